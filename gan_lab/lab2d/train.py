r"""Small MLP GANs in the plane, trained in seconds on one CPU thread, with snapshots for the figures.

References:
- Goodfellow et al. 2014, Algorithm 1 (alternating steps; ``n_critic`` discriminator steps per generator step).
- Metz et al. 2017, "Unrolled GANs", appendix A: MLP generator and discriminator with hidden layers of
  128 units on the 2-D mixtures.
- Kingma & Ba 2015 (Adam); Radford et al. 2015 ($\beta_1 = 0.5$); Gulrajani et al. 2017 ($\beta = (0, 0.9)$
  for WGAN-GP, set per run in ``scripts/lab2d_sweep.py``).

Neither network has BatchNorm, so every loss of ``gan_lab.objectives`` (the gradient penalty included) applies
to the same pair. Several seeds train together as one ensemble (``gan_lab.lab2d.ensemble``): member $s$ starts
from the weights that seed $s$ gives, and all members draw their batches from one random stream seeded by the
first seed, so a set of seeds is reproduced bit for bit by training the same set again. A snapshot records, at fixed ``z``, where the generator puts its points, the force that the
generator's loss exerts on each of them ($-\nabla_{\tilde x}\mathcal{L}_G$) and the discriminator's output on
a grid over the plane: enough to draw the decision surface and the generator's motion after training. With
``score_at``, the generator's points are also kept after the given steps (drawn from a stream of $z$ of their
own, so the training is the same with or without them): with a constant learning rate, one run then says
whether a count at 1x the budget still holds at 2x and 4x.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

import torch
from torch import nn

from gan_lab import losses
from gan_lab.lab2d.ensemble import ensemble_spectral_norm, stack_members, unstack
from gan_lab.lab2d.metrics import MixtureScore, modes_reached, score_points
from gan_lab.lab2d.mixtures import Mixture, make_mixture
from gan_lab.objectives import Objective, after_critic_step, check_objective, critic_loss, generator_objective
from gan_lab.runtime import GanLabError, seed_everything


@dataclass
class Lab2dConfig:
    """Runs of the 2-D lab, one per seed. The defaults are the vanilla GAN that the chapter watches drop modes."""

    mixture: str = "ring"  # "ring" (8 modes) or "grid" (25 modes)
    loss: str = field(default="non-saturating", metadata={"choices": losses.LOSSES})
    spectral_norm: bool = False  # spectral normalisation of every discriminator layer
    gp_weight: float = 10.0  # lambda of WGAN-GP
    clip: float = 0.01  # weight clipping bound of WGAN
    n_critic: int = 1  # discriminator steps per generator step
    steps: int = 1000  # generator steps
    batch_size: int = 128  # per run
    latent_dim: int = 2  # a 2-D z: the generator is a warp of the plane
    hidden: int = 128  # units of each of the two hidden layers, in both networks
    lr: float = 1e-3  # Adam learning rate of the generator
    lr_d: float = 0.0  # of the discriminator; 0: the same as lr (a larger one is the two time-scale rule)
    beta1: float = 0.5  # Radford et al.; 0 for WGAN-GP in Gulrajani et al.
    beta2: float = 0.999  # 0.9 for WGAN-GP
    # both learning rates fall linearly to 0 over the run (as in Gulrajani et al.'s image experiments): the
    # last steps are small, so the points settle on the modes instead of jittering by a step's size
    lr_decay: bool = True
    seeds: tuple[int, ...] = (0,)  # one run per seed, trained together
    snapshots: int = 40  # snapshots over the run, for the figures and the animation (0: none)
    n_track: int = 512  # generated points followed through the snapshots, at fixed z
    n_eval: int = 2500  # generated points scored at the end (modes covered, high-quality share)
    # generator steps after which every run is also scored, on its own stream of z (the training stream is
    # untouched): with a constant learning rate, the count at 1x, 2x and 4x a budget from one run
    score_at: tuple[int, ...] = ()


@dataclass
class Snapshot:
    step: int
    x_fake: torch.Tensor  # (n_track, 2): the generator's output for the fixed z
    force: torch.Tensor  # (n_track, 2): -d loss_g / d x_fake, where the generator's loss pushes each point
    surface: torch.Tensor  # (R, R): discriminator output on the plot grid (D(x) for cross-entropy, else the score)


@dataclass
class Lab2dRun:
    """One seed's run."""

    seed: int
    loss: str
    score: MixtureScore
    x_fake: torch.Tensor  # (n_eval, 2): the points that were scored
    snapshots: list[Snapshot]
    x_at: dict[int, torch.Tensor] = field(default_factory=dict)  # step -> (n_eval, 2) points, for cfg.score_at


@dataclass
class Lab2dResult:
    config: Lab2dConfig
    runs: list[Lab2dRun]  # in the order of config.seeds
    losses: list[tuple[float, float]]  # (loss_d, loss_g) per generator step, averaged over the runs
    seconds: float  # wall time of training and scoring, all runs together

    def summary(self) -> list[dict]:
        """JSON-ready records, one per seed: modes covered, high-quality share, per-mode counts."""
        mixture = make_mixture(self.config.mixture)
        return [{"seed": r.seed, **score_record(r.x_fake, mixture), "at": {
            str(step): score_record(x, mixture) for step, x in r.x_at.items()}} for r in self.runs]  # fmt: skip


def score_record(points: torch.Tensor, mixture: Mixture) -> dict:
    """JSON-ready score of ``points`` (N, 2): modes covered, high-quality share, per-mode counts, modes reached."""
    return {**asdict(score_points(points, mixture)), "modes_reached": modes_reached(points, mixture)}


def mlp(n_in: int, n_out: int, hidden: int, activation: type[nn.Module]) -> nn.Sequential:
    """Two hidden layers of ``hidden`` units; no normalisation layer, so any loss and penalty applies."""
    return nn.Sequential(
        nn.Linear(n_in, hidden), activation(), nn.Linear(hidden, hidden), activation(), nn.Linear(hidden, n_out)
    )


def build_pair(cfg: Lab2dConfig) -> tuple[nn.Module, nn.Module]:
    """``(generator, discriminator)`` of all seeds: z (S * N, latent_dim) -> x (S * N, 2) -> logit (S * N, 1)."""
    generators, discriminators = [], []
    for seed in cfg.seeds:
        seed_everything(seed)  # member s starts where a lone run with seed s would
        generators.append(mlp(cfg.latent_dim, 2, cfg.hidden, nn.ReLU))
        discriminators.append(mlp(2, 1, cfg.hidden, lambda: nn.LeakyReLU(0.2)))
    discriminator = stack_members(discriminators)
    if cfg.spectral_norm:
        ensemble_spectral_norm(discriminator)
    return stack_members(generators), discriminator


def plot_grid(extent: float, resolution: int = 64) -> torch.Tensor:
    """The (resolution**2, 2) points where the decision surface is evaluated, rows from bottom to top."""
    axis = torch.linspace(-extent, extent, resolution)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([xx.flatten(), yy.flatten()], dim=1)


def objective(cfg: Lab2dConfig) -> Objective:
    return Objective(cfg.loss, cfg.gp_weight, cfg.clip, cfg.spectral_norm, cfg.n_critic)


def take_snapshots(
    step: int, cfg: Lab2dConfig, generator: nn.Module, discriminator: nn.Module, z: torch.Tensor, grid: torch.Tensor
) -> list[Snapshot]:
    """One snapshot per seed; ``z`` (n_track, latent_dim) and ``grid`` (R * R, 2) are the same for all seeds."""
    s = len(cfg.seeds)
    discriminator.eval()  # no power iteration: a snapshot must not change the run
    with torch.no_grad():
        x_fake = generator(z.repeat(s, 1))  # (S * n_track, 2)
        surface = discriminator(grid.repeat(s, 1)).squeeze(1)  # (S * R * R,)
        if cfg.loss in losses.GENERATOR_LOSSES:
            surface = torch.sigmoid(surface)  # D(x), a probability, for the cross-entropy losses
    x = x_fake.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(generator_objective(objective(cfg), discriminator(x)), x)
    discriminator.train()
    force = -grad * len(x)  # the loss is a mean over all points: scale so each arrow is that point's own force
    side = int(round(grid.shape[0] ** 0.5))
    xs, fs, surf = unstack(x_fake, s), unstack(force, s), surface.view(s, side, side)
    return [Snapshot(step, xs[i], fs[i], surf[i]) for i in range(s)]


def train_lab2d(cfg: Lab2dConfig, seeds: Sequence[int] | None = None) -> Lab2dResult:
    """Train one 2-D GAN per seed of ``cfg.seeds`` (or ``seeds``) and score each; repeatable bit for bit."""
    if seeds is not None:
        cfg = replace(cfg, seeds=tuple(seeds))
    if cfg.steps < 1 or cfg.batch_size < 2 or cfg.latent_dim < 1 or cfg.lr <= 0 or cfg.lr_d < 0 or not cfg.seeds:
        raise GanLabError("expected steps >= 1, batch_size >= 2, latent_dim >= 1, lr > 0, lr_d >= 0 and a seed")
    start = time.perf_counter()
    mixture, obj, s = make_mixture(cfg.mixture), objective(cfg), len(cfg.seeds)
    generator, discriminator = build_pair(cfg)
    check_objective(obj, discriminator)
    seed_everything(cfg.seeds[0])  # the one stream every batch, z and interpolation weight is drawn from
    betas = (cfg.beta1, cfg.beta2)
    opt_g = torch.optim.Adam(generator.parameters(), lr=cfg.lr, betas=betas)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=cfg.lr_d or cfg.lr, betas=betas)
    decay = (lambda step: 1.0 - step / cfg.steps) if cfg.lr_decay else (lambda step: 1.0)
    schedules = [torch.optim.lr_scheduler.LambdaLR(opt, decay) for opt in (opt_g, opt_d)]
    z_track = torch.randn(cfg.n_track, cfg.latent_dim)  # fixed: the same points followed at every snapshot
    grid = plot_grid(mixture.extent)
    every = max(1, cfg.steps // cfg.snapshots) if cfg.snapshots else 0
    snapshots: list[list[Snapshot]] = []
    x_at: list[dict[int, torch.Tensor]] = [{} for _ in cfg.seeds]
    z_score = torch.Generator().manual_seed(cfg.seeds[0])  # the z of intermediate scores: not the training stream
    history = []
    n = s * cfg.batch_size  # rows per step: S blocks of batch_size
    for step in range(cfg.steps):
        if every and step % every == 0:
            snapshots.append(take_snapshots(step, cfg, generator, discriminator, z_track, grid))
        for _ in range(cfg.n_critic):
            x_real = mixture.sample(n)  # (S * B, 2)
            with torch.no_grad():
                x_fake = generator(torch.randn(n, cfg.latent_dim))  # (S * B, 2)
            loss_d, _, _ = critic_loss(obj, discriminator, x_real, x_fake)
            opt_d.zero_grad(set_to_none=True)
            (s * loss_d).backward()  # S times the mean: each member gets the gradient of its own loss
            opt_d.step()
            after_critic_step(obj, discriminator)
        loss_g = generator_objective(obj, discriminator(generator(torch.randn(n, cfg.latent_dim))))
        opt_g.zero_grad(set_to_none=True)
        (s * loss_g).backward()  # also fills the discriminator's grads; opt_d.zero_grad clears them first
        opt_g.step()
        for schedule in schedules:
            schedule.step()  # once per generator step, for both optimizers
        history.append((loss_d.item(), loss_g.item()))
        if step + 1 in cfg.score_at:
            with torch.no_grad():
                x = unstack(generator(torch.randn(s * cfg.n_eval, cfg.latent_dim, generator=z_score)), s)
            for i in range(s):
                x_at[i][step + 1] = x[i]  # (n_eval, 2) of member i
    if every:
        snapshots.append(take_snapshots(cfg.steps, cfg, generator, discriminator, z_track, grid))
    with torch.no_grad():
        x_eval = unstack(generator(torch.randn(s * cfg.n_eval, cfg.latent_dim)), s)  # (S, n_eval, 2)
    runs = [
        Lab2dRun(seed, cfg.loss, score_points(x_eval[i], mixture), x_eval[i], [snap[i] for snap in snapshots], x_at[i])
        for i, seed in enumerate(cfg.seeds)
    ]
    return Lab2dResult(cfg, runs, history, time.perf_counter() - start)
