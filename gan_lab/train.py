"""Training: the discriminator step, the generator step, and the loop around them.

References:
- Goodfellow et al. 2014, Algorithm 1 (alternate a D step and a G step; non-saturating G loss).
- Radford et al. 2015 (Adam, lr 2e-4, beta1 0.5).
- Salimans et al. 2016 (one-sided label smoothing).
- Heusel et al. 2017 (two time-scale update rule, ``--lr-d``).
- Zhao et al. 2020 (differentiable augmentation, ``--augment``; see ``gan_lab.augment``).
- Yazici et al. 2019 (moving average of the generator, ``--ema``; see ``gan_lab.ema``).
- Mirza & Osindero 2014 (a class-conditional model sees each real image's label, and G draws that class).
- Arjovsky et al. 2017, Gulrajani et al. 2017, Miyato et al. 2018 (``--loss``, ``--n-critic``, the critic's
  Lipschitz constraint: ``gan_lab.objectives``).

The shape of a run: set up (or resume) a :class:`~gan_lab.checkpoint.TrainState`; then per epoch
:func:`train_one_epoch` (z -> G -> D step -> G step -> EMA, per batch) and :func:`end_of_epoch`
(progress grid, per-step log, loss plot, checkpoint).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn
from tqdm.auto import tqdm

from gan_lab import losses
from gan_lab.augment import diff_augment, parse_policy
from gan_lab.checkpoint import TrainState, start_or_resume
from gan_lab.config import TrainConfig
from gan_lab.data import labelled_batches, load_dataset, steps_per_epoch
from gan_lab.distributed import Group, Nets, join, leave, wrap
from gan_lab.ema import ema_decay, ema_update, recalibrate_batchnorm
from gan_lab.latent import sample_noise
from gan_lab.models import model_spec
from gan_lab.objectives import Objective, after_critic_step, discriminator_objective
from gan_lab.regularizers import gradient_penalty
from gan_lab.runtime import atomic_write_text, check_amp, check_writable
from gan_lab.steplog import STAT_KEYS, StepLog, check_finite

__all__ = ["STAT_KEYS", "Nets", "TrainConfig", "TrainResult", "d_step", "end_of_epoch", "g_step", "train"]
__all__ += ["train_one_epoch", "training_nets"]


def _autocast(device: torch.device, amp: bool):
    """bfloat16 autocast when asked for; otherwise no context at all (autocast rejects some device types)."""
    return torch.autocast(device.type, dtype=torch.bfloat16) if amp else contextlib.nullcontext()


def d_step(
    discriminator: nn.Module,
    opt_d: torch.optim.Optimizer,
    x_real: torch.Tensor,
    x_fake: torch.Tensor,
    real_label: float = 1.0,
    amp: bool = False,
    joint: bool = False,
    labels: torch.Tensor | None = None,
    obj: Objective | None = None,
) -> dict[str, torch.Tensor]:
    """One discriminator update on a real and a fake batch; returns detached statistics (no host sync).

    ``joint``: one pass over both batches stacked, the same maths only for a D whose output for an image
    does not depend on the rest of its batch or on a random draw (no BatchNorm, no dropout).
    ``labels`` (N,): the class of both batches, for a conditional discriminator D(x, labels).
    ``obj``: the loss family and its constraint (default: the cross-entropy of the original GAN).
    """
    obj = obj or Objective()
    opt_d.zero_grad(set_to_none=True)
    cond = () if labels is None else (labels,)
    with _autocast(x_real.device, amp):
        # detach: this step trains D only; without it, backward would also fill the generator's gradients
        if joint:
            both = () if labels is None else (torch.cat([labels, labels]),)
            logits_real, logits_fake = discriminator(torch.cat([x_real, x_fake.detach()]), *both).split(len(x_real))
        else:
            logits_real = discriminator(x_real, *cond)  # (N, 1)
            logits_fake = discriminator(x_fake.detach(), *cond)  # (N, 1)
        loss_d = discriminator_objective(obj, logits_real.float(), logits_fake.float(), real_label)
    if obj.loss == "wgan-gp":  # outside autocast: the penalty differentiates a gradient, in float32
        loss_d = loss_d + obj.gp_weight * gradient_penalty(lambda x: discriminator(x, *cond), x_real, x_fake)
    loss_d.backward()
    opt_d.step()
    after_critic_step(obj, discriminator)  # WGAN: clip every weight back into [-c, c]
    return {
        "loss_d": loss_d.detach(),
        "d_real": torch.sigmoid(logits_real.detach().float()).mean(),  # mean D(x)
        "d_fake": torch.sigmoid(logits_fake.detach().float()).mean(),  # mean D(G(z))
    }


def g_step(
    discriminator: nn.Module,
    opt_g: torch.optim.Optimizer,
    x_fake: torch.Tensor,
    loss: str = "non-saturating",
    amp: bool = False,
    labels: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """One generator update through the discriminator; D's parameters, gradients and optimizer stay as they are."""
    opt_g.zero_grad(set_to_none=True)
    cond = () if labels is None else (labels,)
    flags = [p.requires_grad for p in discriminator.parameters()]
    # freezing D means backward computes only the generator's gradients: D's .grad is left untouched
    discriminator.requires_grad_(False)
    try:
        with _autocast(x_fake.device, amp):
            logits_fake = discriminator(x_fake, *cond)  # (N, 1), with the graph back into the generator
            loss_g = losses.family_generator_loss(loss, logits_fake.float())
        loss_g.backward()
    finally:
        for p, flag in zip(discriminator.parameters(), flags):
            p.requires_grad_(flag)
    opt_g.step()
    return {"loss_g": loss_g.detach()}


def batch_independent(discriminator: nn.Module) -> bool:
    """Whether D scores each image on its own (no BatchNorm, no dropout): then ``d_step(joint=True)`` is exact."""
    mixing = (nn.modules.batchnorm._BatchNorm, nn.modules.dropout._DropoutNd)
    return not any(isinstance(m, mixing) for m in discriminator.modules())


def training_nets(state: TrainState, group: Group | None = None) -> Nets:
    """The networks of ``state`` as the loop runs them: with --compile compiled, in a process group DDP."""
    cfg, group = state.config, group or Group()
    generator, discriminator = wrap(state.generator, group), wrap(state.discriminator, group)
    discriminator_g = state.discriminator
    if cfg.compile:
        generator, discriminator = torch.compile(generator), torch.compile(discriminator)
        discriminator_g = torch.compile(discriminator_g)
    return Nets(generator, discriminator, discriminator_g, group.shard(cfg.batch_size))


@dataclass
class TrainResult:
    out: Path
    generator: nn.Module  # the moving average when --ema is on
    discriminator: nn.Module
    rows: list[dict[str, float]]  # one per step: epoch, step, loss_d, loss_g, d_real, d_fake
    seconds_per_epoch: list[float]
    data: str  # one line: which data was used and why


def _generator_step(state: TrainState, nets: Nets, x_fake: torch.Tensor, policy: tuple, cond: tuple) -> torch.Tensor:
    """The G step of the loop on ``x_fake`` (N, C, H, W), then the moving average's update; returns loss_g."""
    cfg, x_fake_g = state.config, diff_augment(x_fake, policy)
    loss_g = g_step(nets.discriminator_g, state.opt_g, x_fake_g, cfg.loss, cfg.amp, *cond)["loss_g"]
    if state.generator_ema is not None:
        # the G steps before this one: resumed runs continue the warm-up where it stopped
        ema_update(state.generator_ema, state.generator, ema_decay(cfg.ema, state.d_steps // cfg.n_critic))
    return loss_g


def train_one_epoch(
    state: TrainState,
    images: torch.Tensor,
    on_step: Callable[[], object] = lambda: None,
    nets: Nets | None = None,
    labels: torch.Tensor | None = None,
) -> torch.Tensor:
    """One pass over ``images`` (N, C, H, W); returns the per-step statistics (steps, 4), still on the device.
    ``labels`` (N,), conditional models only: each fake is drawn for the class of the real image beside it."""
    cfg, device, loss_g = state.config, images.device, state.loss_g
    obj = cfg.objective  # the loss family, its Lipschitz constraint and n_critic
    nets = nets or Nets(state.generator, state.discriminator, state.discriminator)
    policy = parse_policy(cfg.augment)  # () when off: diff_augment then returns its input unchanged
    joint = cfg.joint_d_pass and batch_independent(state.discriminator)
    stats = torch.zeros(steps_per_epoch(len(images), cfg.batch_size), len(STAT_KEYS), device=device)
    state.generator.train()
    state.discriminator.train()
    for i, (x_batch, y_batch) in enumerate(labelled_batches(images, labels, cfg.batch_size, state.batch_rng)):
        x_real = x_batch[nets.shard]  # this process's rows (all of them in a single process)
        cond = () if y_batch is None else (y_batch[nets.shard],)  # (N,): the class of each real image and its fake
        # the global batch's noise, drawn alike in every process: N processes take one process's step
        z = torch.randn(x_batch.shape[0], cfg.latent_dim, device=device)[nets.shard]  # (N, latent_dim)
        with _autocast(device, cfg.amp):
            x_fake = nets.generator(z, *cond)  # (N, C, H, W)

        # --simultaneous: the G step below comes first, through D as it is before this step's D update
        g_due = state.d_steps % obj.n_critic == 0
        if g_due and cfg.simultaneous:
            loss_g = _generator_step(state, nets, x_fake, policy, cond)

        # ---- D step: raise D(x) on real images, lower D(G(z)) on fakes; G is not updated ----
        # DiffAugment: D only ever sees augmented images, real and fake alike, each call freshly drawn
        x_real_d, x_fake_d = diff_augment(x_real, policy), diff_augment(x_fake, policy)
        d_args = (cfg.real_label, cfg.amp, joint, *cond)
        out_d = d_step(nets.discriminator, state.opt_d, x_real_d, x_fake_d, *d_args, obj=obj)

        # ---- G step: raise D(G(z)) through the just-updated D; D is not updated. With --n-critic k only after
        # every k-th D step, counted over the run (a resumed run keeps the rhythm), the first one included ----
        if g_due and not cfg.simultaneous:
            loss_g = _generator_step(state, nets, x_fake, policy, cond)
        state.d_steps += 1
        stats[i] = torch.stack([out_d["loss_d"], loss_g, out_d["d_real"], out_d["d_fake"]])
        on_step()
    state.loss_g = loss_g  # steps without a G step log the last one's loss, across epochs too
    return stats


def end_of_epoch(state: TrainState, stats: torch.Tensor, fixed_z: torch.Tensor, log: StepLog, out: Path) -> list[dict]:
    """Close an epoch: progress grid from ``fixed_z``, the log's new rows, loss plot, then the checkpoint (last)."""
    # lazily: matplotlib is slow to import, and d_step/g_step need none of it
    from gan_lab.plots import plot_losses, save_grid

    state.epoch += 1
    state.generator.eval()
    if state.generator_ema is not None:
        recalibrate_batchnorm(state.generator_ema, state.config.latent_dim, seed=state.config.seed + 2)
    with torch.no_grad():
        save_grid(state.sampler(fixed_z), out / "samples" / f"epoch_{state.epoch:03d}.png")
    rows = log.append(state.epoch, stats)
    plot_losses(log.rows, out / "losses.png")
    state.save(out / "checkpoint.pt")  # last: a kill before this leaves the previous epoch's complete state
    return rows


def train(config: TrainConfig, progress: bool = True) -> TrainResult:
    """Train a GAN as ``config`` says; write config.json, checkpoint.pt, samples/, losses.csv, losses.png."""
    cfg, saved = start_or_resume(config)
    group, cfg.device = join(cfg.device, cfg.batch_size)  # one process, or this one of a torchrun group
    try:
        return _train(cfg, saved, group, progress and group.is_writer)
    finally:
        leave(group)


def _train(cfg: TrainConfig, saved: dict | None, group: Group, progress: bool) -> TrainResult:
    out = Path(cfg.out)
    device = cfg.setup()  # threads, device, seeds
    if cfg.amp:
        check_amp(device)  # bf16 autocast pays only where bf16 is computed natively (emulated, it is slower)
    data = load_dataset(cfg.dataset, cfg.image_size, cfg.data_dir, device, "train", cfg.max_samples)
    if cfg.channels_last:
        data.images = data.images.contiguous(memory_format=torch.channels_last)
    if group.is_writer:
        print(f"data: {data.description}", flush=True)
    steps = steps_per_epoch(len(data), cfg.batch_size)
    state = TrainState.create(cfg, data.images.shape[1], device)
    if group.is_writer:
        check_writable(out, needed_bytes=2 * state.nbytes())  # the checkpoint and its replacement
        for stale in out.glob(".checkpoint.pt.*.tmp"):
            stale.unlink()  # a checkpoint write cut short by a kill (the checkpoint itself is intact)
    fixed_z = sample_noise(cfg.n_fixed, cfg.latent_dim, seed=cfg.seed + 1).to(device)  # the same grid every epoch
    if saved is not None:
        state.load_state_dict(saved)
        print(f"resuming {out / 'checkpoint.pt'} after epoch {state.epoch}", flush=True)
    nets = training_nets(state, group)
    labels = data.labels if model_spec(cfg.model).conditional else None  # only a conditional model sees them
    if not group.is_writer:
        return _follow(state, data.images, nets, group, labels)
    atomic_write_text(out / "config.json", json.dumps(asdict(cfg), indent=2) + "\n")
    log = StepLog(out / "losses.csv", state.epoch)  # cut back to the checkpoint's epoch
    writer = _tensorboard(out) if cfg.tensorboard else None
    bar = tqdm(total=cfg.epochs * steps, initial=state.epoch * steps, disable=not progress or None, unit="step")
    seconds: list[float] = []
    while state.epoch < cfg.epochs:
        t0 = time.perf_counter()
        last_good = f"the last good checkpoint is {out / 'checkpoint.pt'} (epoch {state.epoch})"
        stats = group.mean(train_one_epoch(state, data.images, lambda: bar.update(1), nets, labels)).cpu()  # host sync
        check_finite(stats, state.epoch + 1, last_good if state.epoch else "no checkpoint was written yet")
        rows = end_of_epoch(state, stats, fixed_z, log, out)
        group.barrier()  # the other processes wait for the checkpoint
        seconds.append(time.perf_counter() - t0)
        means = "  ".join(f"{k} {v:.3f}" for k, v in zip(STAT_KEYS, stats.mean(0).tolist()))
        bar.write(f"epoch {state.epoch}/{cfg.epochs}  {means}  {seconds[-1]:.1f} s")
        if writer is not None:
            for r in rows:
                for k in STAT_KEYS:
                    writer.add_scalar(k, r[k], int(r["step"]))
            writer.flush()
    bar.close()
    if writer is not None:
        writer.close()
    state.generator.eval()
    return TrainResult(out, state.sampler, state.discriminator, log.rows, seconds, data.description)


def _follow(
    state: TrainState, images: torch.Tensor, nets: Nets, group: Group, labels: torch.Tensor | None
) -> TrainResult:
    """A process other than rank 0: the same steps and collectives, no files (rank 0 writes them)."""
    while state.epoch < state.config.epochs:
        stats = group.mean(train_one_epoch(state, images, nets=nets, labels=labels)).cpu()
        check_finite(stats, state.epoch + 1, "rank 0 holds the last good checkpoint")
        state.epoch += 1
        group.barrier()
    return TrainResult(Path(state.config.out), state.sampler, state.discriminator, [], [], "")


def _tensorboard(out: Path):
    from torch.utils.tensorboard import SummaryWriter  # lazily: tensorboard is only needed with --tensorboard

    return SummaryWriter(log_dir=str(out / "tensorboard"))
