"""Each variant of the results table (``scripts/train_variants.py``), exactly as its command spells it, against a
training loop written from the papers' algorithms: the loss formulas written out, the gradient penalty one
example at a time, clipping after each critic step, a generator step after every ``n_critic``-th critic step,
and the papers' optimiser settings. Then each command trains one batch on the shipped sample through the CLI.

References: Goodfellow et al. 2014 (non-saturating loss); Mao et al. 2017 (least squares, a = 0, b = c = 1);
Lim & Ye 2017 (hinge); Arjovsky et al. 2017, Algorithm 1 (WGAN: clip to [-c, c] after each critic step,
n_critic = 5, learning rate 5e-5); Gulrajani et al. 2017, Algorithm 1 (WGAN-GP: lambda = 10, n_critic = 5,
Adam 1e-4, betas (0, 0.9)); Miyato et al. 2018 (spectral norm: every layer of D normalised).
"""

from __future__ import annotations

import importlib.util
from dataclasses import fields
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from gan_lab.checkpoint import TrainState, load_run
from gan_lab.cli import build_parser, main
from gan_lab.config import TrainConfig
from gan_lab.data import labelled_batches, load_dataset
from gan_lab.regularizers import has_spectral_norm
from gan_lab.train import train_one_epoch

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("train_variants", ROOT / "scripts" / "train_variants.py")
sweep = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sweep)

# 6 steps of 64 on the shipped sample: with n_critic 5 the generator steps after critic steps 0 and 5
SMALL = ["--dataset", "sample", "--max-samples", str(6 * 64), "--device", "cpu", "--num-threads", "1", "--seed", "4"]


def config(variant: str, extra: list[str]) -> TrainConfig:
    """The TrainConfig that the sweep's command for ``variant`` builds (the CLI's own parser), plus ``extra``."""
    args = build_parser().parse_args(["train", *sweep.BASE, *sweep.VARIANTS[variant][1], *extra])
    return TrainConfig(**{f.name: getattr(args, f.name) for f in fields(TrainConfig)})


# --- the papers' formulas, written out on the logits --------------------------------------------------------
def d_loss(kind: str, r: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    if kind == "non-saturating":  # -[log D(x) + log(1 - D(G(z)))]; D = sigmoid, and 1 - sigmoid(f) = sigmoid(-f)
        return -(F.logsigmoid(r).mean() + F.logsigmoid(-f).mean())
    if kind == "lsgan":  # 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2]
        return 0.5 * ((r - 1) ** 2).mean() + 0.5 * (f**2).mean()
    if kind == "hinge":  # E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]
        return torch.clamp(1 - r, min=0).mean() + torch.clamp(1 + f, min=0).mean()
    return f.mean() - r.mean()  # wgan, wgan-gp: E[D(G(z))] - E[D(x)]


def g_loss(kind: str, f: torch.Tensor) -> torch.Tensor:
    if kind == "non-saturating":  # -E[log D(G(z))]
        return -F.logsigmoid(f).mean()
    if kind == "lsgan":  # 1/2 E[(D(G(z)) - 1)^2]
        return 0.5 * ((f - 1) ** 2).mean()
    return -f.mean()  # hinge, wgan, wgan-gp: -E[D(G(z))]


def penalty(discriminator: torch.nn.Module, x_real: torch.Tensor, x_fake: torch.Tensor) -> torch.Tensor:
    """Gulrajani et al.'s Algorithm 1, lines 4-8, one example at a time (its own epsilon, gradient and norm)."""
    eps = torch.rand(x_real.shape[0])  # drawn where the implementation draws it: one per example
    terms = []
    for i in range(x_real.shape[0]):
        x_hat = (eps[i] * x_real[i] + (1 - eps[i]) * x_fake[i]).unsqueeze(0).requires_grad_(True)
        (grad,) = torch.autograd.grad(discriminator(x_hat).sum(), x_hat, create_graph=True)
        terms.append((grad.pow(2).sum().sqrt() - 1) ** 2)
    return torch.stack(terms).mean()


def reference_epoch(state: TrainState, images: torch.Tensor) -> list[tuple[float, float]]:
    """One pass with the papers' loop; ``(loss_d, loss_g)`` per critic step (the last generator loss between)."""
    cfg, generator, discriminator = state.config, state.generator, state.discriminator
    rows, loss_g = [], torch.tensor(0.0)
    for i, (x_real, _) in enumerate(labelled_batches(images, None, cfg.batch_size, state.batch_rng)):
        x_fake = generator(torch.randn(x_real.shape[0], cfg.latent_dim))
        state.opt_d.zero_grad(set_to_none=True)
        loss_d = d_loss(cfg.loss, discriminator(x_real), discriminator(x_fake.detach()))
        if cfg.loss == "wgan-gp":
            loss_d = loss_d + cfg.gp_weight * penalty(discriminator, x_real, x_fake.detach())
        loss_d.backward()
        state.opt_d.step()
        if cfg.loss == "wgan":  # Arjovsky et al., Algorithm 1, line 7
            with torch.no_grad():
                for p in discriminator.parameters():
                    p.clamp_(-cfg.clip, cfg.clip)
        if i % cfg.n_critic == 0:
            state.opt_g.zero_grad(set_to_none=True)
            loss_g = g_loss(cfg.loss, discriminator(x_fake))
            loss_g.backward()  # also fills D's gradients, which the next critic step's zero_grad discards
            state.opt_g.step()
        rows.append((loss_d.item(), loss_g.item()))
    return rows


def fresh(cfg: TrainConfig) -> tuple[TrainState, torch.Tensor]:
    cfg = cfg.resolved()
    device = cfg.setup()  # every seed: both states start from the same weights, batches and noise
    images = load_dataset(cfg.dataset, cfg.image_size, cfg.data_dir, device, "train", cfg.max_samples).images
    return TrainState.create(cfg, images.shape[1], device), images


# the papers' settings: (lr of G, lr of D, Adam's betas, n_critic, spectral norm)
PAPERS = {
    "non_saturating": (2e-4, 2e-4, (0.5, 0.999), 1, False),
    "lsgan": (2e-4, 2e-4, (0.5, 0.999), 1, False),
    "hinge": (2e-4, 2e-4, (0.5, 0.999), 1, False),
    "wgan_gp": (1e-4, 1e-4, (0.0, 0.9), 5, False),
    "hinge_sn": (2e-4, 2e-4, (0.5, 0.999), 1, True),
    "wgan_clip": (5e-5, 5e-5, (0.5, 0.999), 5, False),
    "non_saturating_sn": (2e-4, 2e-4, (0.5, 0.999), 1, True),
    "wgan_gp_n1": (2e-4, 2e-4, (0.5, 0.999), 1, False),
}


def test_every_variant_has_its_papers_settings() -> None:
    assert PAPERS.keys() == sweep.VARIANTS.keys()


@pytest.mark.parametrize("variant", list(sweep.VARIANTS))
def test_each_variant_trains_as_the_papers_loop(variant: str) -> None:
    cfg = config(variant, SMALL)
    state, images = fresh(cfg)
    lr_g, lr_d, betas, n_critic, spectral = PAPERS[variant]
    assert state.opt_g.param_groups[0]["lr"] == lr_g and state.opt_d.param_groups[0]["lr"] == lr_d
    assert state.opt_g.param_groups[0]["betas"] == state.opt_d.param_groups[0]["betas"] == betas
    assert state.config.n_critic == n_critic and has_spectral_norm(state.discriminator) == spectral
    assert state.config.ema == 0.0 and state.config.real_label == 1.0  # spelt out, whatever the defaults become
    stats = train_one_epoch(state, images)

    reference, images = fresh(cfg)
    rows = reference_epoch(reference, images)
    assert len(rows) == 6 and state.d_steps == 6
    torch.testing.assert_close(stats[:, :2], torch.tensor(rows), rtol=1e-4, atol=1e-5)  # float32 rounding
    # the weights: float32 rounding moves a rare element by ~1e-6; a twentieth of one Adam step at lr 2e-4 is 1e-5
    for net in ("generator", "discriminator"):
        ours, theirs = getattr(state, net).state_dict(), getattr(reference, net).state_dict()
        assert ours.keys() == theirs.keys()
        for key in ours:
            torch.testing.assert_close(
                ours[key], theirs[key], rtol=1e-4, atol=1e-5, msg=lambda m, where=f"{net}.{key}": f"{where}: {m}"
            )
    g_updates = {int(s["step"]) for s in state.opt_g.state.values()}
    assert g_updates == {len(range(0, 6, n_critic))}  # 6 generator steps, or 2 with n_critic 5


def test_the_reference_loop_tells_the_losses_apart() -> None:
    """The comparison can fail: hinge trained and checked against the least-squares reference disagree."""
    state, images = fresh(config("hinge", SMALL))
    stats = train_one_epoch(state, images)
    reference, images = fresh(config("lsgan", SMALL))
    rows = reference_epoch(reference, images)
    assert not torch.allclose(stats[:, :2], torch.tensor(rows), rtol=1e-3)


@pytest.mark.parametrize("variant", list(sweep.VARIANTS))
def test_each_sweep_command_trains_one_batch_on_the_sample(variant: str, tmp_path: Path) -> None:
    options = sweep.VARIANTS[variant][1]
    args = ["train", *sweep.BASE, "--dataset", "sample", "--max-samples", "64", "--epochs", "1", *options]
    assert main([*args, "--device", "cpu", "--num-threads", "1", "--n-fixed", "4", "--out", str(tmp_path)]) == 0
    run = load_run(tmp_path / "checkpoint.pt")
    lr_g, lr_d, betas, n_critic, spectral = PAPERS[variant]
    cfg = run.config
    assert (cfg.model, cfg.batch_size, cfg.lr, cfg.beta1, cfg.beta2) == ("mlp", 64, lr_g, *betas)
    assert (cfg.n_critic, cfg.spectral_norm, cfg.ema, cfg.real_label, cfg.augment) == (n_critic, spectral, 0, 1, "")
    assert cfg.gp_weight == (10.0 if cfg.loss == "wgan-gp" else 0.0)
    assert cfg.clip == (0.01 if cfg.loss == "wgan" else 0.0)
    assert has_spectral_norm(run.discriminator) == spectral
    last_row = (tmp_path / "losses.csv").read_text().split()[-1].split(",")  # epoch, step, loss_d, loss_g, ...
    assert torch.isfinite(torch.tensor([float(x) for x in last_row])).all()
