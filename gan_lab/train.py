"""Training: the discriminator step, the generator step, and the loop around them.

References:
- Goodfellow et al. 2014, Algorithm 1 (alternate a D step and a G step; non-saturating G loss).
- Radford et al. 2015 (Adam, lr 2e-4, beta1 0.5).
- Salimans et al. 2016 (one-sided label smoothing).
- Heusel et al. 2017 (two time-scale update rule, ``--lr-d``).
- Zhao et al. 2020 (differentiable augmentation, ``--augment``; see ``gan_lab.augment``).
- Yazici et al. 2019 (moving average of the generator, ``--ema``; see ``gan_lab.ema``).
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import torch
from torch import nn
from tqdm.auto import tqdm

from gan_lab import losses
from gan_lab.augment import diff_augment, parse_policy
from gan_lab.checkpoint import load_checkpoint, save_checkpoint
from gan_lab.data import DATASETS, DEFAULT_DATA_DIR, batches, load_dataset
from gan_lab.ema import ema_update, recalibrate_batchnorm
from gan_lab.latent import sample_noise
from gan_lab.models import IMAGE_SIZES, MODELS, TRAIN_DEFAULTS, build_models
from gan_lab.runtime import GanLabError, atomic_write_text, pick_device, seed_everything

STAT_KEYS = ("loss_d", "loss_g", "d_real", "d_fake")


@dataclass
class TrainConfig:
    """Everything a training run depends on; saved in config.json and in every checkpoint."""

    model: str = field(default="mlp", metadata={"help": "architecture", "choices": MODELS})
    dataset: str = field(
        default="auto", metadata={"help": "auto: full MNIST if available, else the shipped sample", "choices": DATASETS}
    )
    data_dir: str = field(default=str(DEFAULT_DATA_DIR), metadata={"help": "where full MNIST is cached/downloaded"})
    max_samples: int = field(default=0, metadata={"help": "train on a fixed random subset of N images (0: all)"})
    epochs: int = field(default=5, metadata={"help": "number of passes over the training images"})
    batch_size: int = field(
        default=0, metadata={"help": "0: the model's default (mlp 64, dcgan28 256, conv64 128, dcgan 128)"}
    )
    lr: float = field(
        default=0.0,
        metadata={"help": "Adam learning rate for both networks (0: the model's default, 2e-4; dcgan28 1e-4)"},
    )
    # two time-scale update rule (Heusel et al. 2017): a faster discriminator keeps its gradients informative
    lr_d: float = field(default=0.0, metadata={"help": "discriminator learning rate (0: the same as --lr)"})
    # beta1 = 0.5 instead of 0.9: less momentum, so an optimizer reacts faster to the other player's moves
    beta1: float = field(default=-1.0, metadata={"help": "Adam beta1 (-1: the model's default, 0.5; dcgan28 0.9)"})
    beta2: float = field(default=0.999, metadata={"help": "Adam beta2"})
    latent_dim: int = field(default=100, metadata={"help": "size of the noise vector z"})
    image_size: int = field(
        default=0, metadata={"help": "0: the model's own (mlp 28, dcgan28 28, conv64 64, dcgan 64)"}
    )
    loss: str = field(default="non-saturating", metadata={"help": "generator loss", "choices": losses.GENERATOR_LOSSES})
    real_label: float = field(default=1.0, metadata={"help": "target for real images; 0.9 = one-sided label smoothing"})
    device: str = field(default="auto", metadata={"help": "auto (cuda, then mps, then cpu), cpu, cuda, cuda:N, mps"})
    amp: bool = field(default=False, metadata={"help": "bfloat16 mixed precision (CUDA only)"})
    # an average of the generator over recent steps smooths out the oscillation of the two-player game
    augment: str = field(
        default="",
        metadata={"help": "DiffAugment policy for every image D sees, e.g. translation,cutout (empty: off)"},
    )
    ema: float = field(
        default=0.0,
        metadata={"help": "decay of a moving average of the generator's weights used for samples (e.g. 0.999; 0: off)"},
    )
    seed: int = field(default=0, metadata={"help": "seeds data order, noise, dropout and initial weights"})
    num_threads: int = field(default=0, metadata={"help": "CPU threads for torch (0: torch's default)"})
    n_fixed: int = field(default=64, metadata={"help": "images in the per-epoch progress grid"})
    out: str = field(default="", metadata={"help": "run directory (default: runs/<model>)"})
    resume: bool = field(default=False, metadata={"help": "continue the run in --out from its checkpoint"})
    tensorboard: bool = field(default=False, metadata={"help": "also log to <out>/tensorboard"})

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        """Rebuild a config saved by an earlier run (unknown keys from other versions are ignored)."""
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})

    def resolved(self) -> TrainConfig:
        """Fill model-dependent defaults and check every field; raise GanLabError on bad input."""
        if self.model not in MODELS:
            raise GanLabError(f"unknown model {self.model!r}: expected one of {', '.join(MODELS)}")
        cfg = TrainConfig(**asdict(self))
        defaults = TRAIN_DEFAULTS[cfg.model]
        cfg.batch_size = cfg.batch_size or defaults["batch_size"]
        cfg.lr = cfg.lr or defaults["lr"]
        cfg.beta1 = defaults["beta1"] if cfg.beta1 == -1.0 else cfg.beta1
        cfg.image_size = cfg.image_size or IMAGE_SIZES[cfg.model]
        cfg.out = cfg.out or str(Path("runs") / cfg.model)
        for name in ("epochs", "max_samples", "num_threads"):
            if getattr(cfg, name) < 0:
                raise GanLabError(f"--{name.replace('_', '-')} must be 0 or more, got {getattr(cfg, name)}")
        for name in ("batch_size", "latent_dim", "n_fixed"):
            if getattr(cfg, name) < 1:
                raise GanLabError(f"--{name.replace('_', '-')} must be a positive integer, got {getattr(cfg, name)}")
        if cfg.image_size != IMAGE_SIZES[cfg.model]:
            raise GanLabError(
                f"model {cfg.model} produces {IMAGE_SIZES[cfg.model]}x{IMAGE_SIZES[cfg.model]} images, "
                f"not {cfg.image_size}x{cfg.image_size}: drop --image-size or pass {IMAGE_SIZES[cfg.model]}"
            )
        if not (cfg.lr > 0 and cfg.lr_d >= 0 and 0 <= cfg.beta1 < 1 and 0 <= cfg.beta2 < 1):
            raise GanLabError("expected --lr > 0, --lr-d >= 0 and 0 <= --beta1, --beta2 < 1")
        cfg.augment = ",".join(parse_policy(cfg.augment))
        if not 0.0 <= cfg.ema < 1.0:
            raise GanLabError(f"--ema must be in [0, 1), got {cfg.ema}")
        if not 0.5 < cfg.real_label <= 1.0:
            raise GanLabError(f"--real-label must be in (0.5, 1], got {cfg.real_label}")
        if cfg.loss not in losses.GENERATOR_LOSSES:
            raise GanLabError(f"unknown loss {cfg.loss!r}: expected one of {', '.join(losses.GENERATOR_LOSSES)}")
        return cfg


def _autocast(device: torch.device, amp: bool):  # noqa: ANN202
    """bfloat16 autocast when asked for; otherwise no context at all (autocast rejects some device types)."""
    return torch.autocast(device.type, dtype=torch.bfloat16) if amp else contextlib.nullcontext()


def d_step(
    discriminator: nn.Module,
    opt_d: torch.optim.Optimizer,
    x_real: torch.Tensor,
    x_fake: torch.Tensor,
    real_label: float = 1.0,
    amp: bool = False,
) -> dict[str, torch.Tensor]:
    """One discriminator update on a real and a fake batch; returns detached statistics (no host sync)."""
    opt_d.zero_grad(set_to_none=True)
    with _autocast(x_real.device, amp):
        logits_real = discriminator(x_real)  # (N, 1)
        # detach: this step trains D only; without it, backward would also fill the generator's gradients
        logits_fake = discriminator(x_fake.detach())  # (N, 1)
        loss_d = losses.discriminator_loss(logits_real.float(), logits_fake.float(), real_label)
    loss_d.backward()
    opt_d.step()
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
) -> dict[str, torch.Tensor]:
    """One generator update through the discriminator; D's parameters, gradients and optimizer stay as they are."""
    opt_g.zero_grad(set_to_none=True)
    flags = [p.requires_grad for p in discriminator.parameters()]
    # freezing D means backward computes only the generator's gradients: D's .grad is left untouched
    discriminator.requires_grad_(False)
    try:
        with _autocast(x_fake.device, amp):
            logits_fake = discriminator(x_fake)  # (N, 1), with the graph back into the generator
            loss_g = losses.generator_loss(logits_fake.float(), loss)
        loss_g.backward()
    finally:
        for p, flag in zip(discriminator.parameters(), flags):
            p.requires_grad_(flag)
    opt_g.step()
    return {"loss_g": loss_g.detach()}


@dataclass
class TrainResult:
    out: Path
    generator: nn.Module  # the moving average when --ema is on
    discriminator: nn.Module
    rows: list[dict[str, float]]  # one per step: epoch, step, loss_d, loss_g, d_real, d_fake
    seconds_per_epoch: list[float]
    data: str  # one line: which data was used and why


def _read_rows(path: Path, last_epoch: int) -> list[dict[str, float]]:
    if not path.is_file():
        return []
    with path.open() as f:
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    return [r for r in rows if r["epoch"] <= last_epoch]  # drop rows of an epoch the checkpoint never saw


def _write_rows(rows: list[dict[str, float]], path: Path) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["epoch", "step", *STAT_KEYS])
    writer.writeheader()
    for r in rows:
        writer.writerow({k: (int(v) if k in ("epoch", "step") else f"{v:.6g}") for k, v in r.items()})
    atomic_write_text(path, buf.getvalue())


def train(config: TrainConfig, progress: bool = True) -> TrainResult:
    """Train a GAN as ``config`` says; write config.json, checkpoint.pt, samples/, losses.csv, losses.png."""
    from gan_lab.plots import plot_losses, save_grid  # lazily: matplotlib costs ~1 s to import, d_step/g_step need none

    cfg = config.resolved()
    out = Path(cfg.out)
    ckpt_path = out / "checkpoint.pt"
    state = None
    if cfg.resume:
        state = load_checkpoint(ckpt_path)
        # the run's identity comes from the checkpoint; only these may change when continuing
        # (out too: a run directory that was copied or moved records where it lives now)
        changeable = {k: getattr(cfg, k) for k in ("epochs", "device", "tensorboard", "num_threads", "resume", "out")}
        cfg = TrainConfig.from_dict({**state["config"], **changeable})
    elif ckpt_path.exists():
        raise GanLabError(
            f"{out} already holds a run ({ckpt_path}); pass --resume to continue it or choose another --out"
        )
    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    device = pick_device(cfg.device)
    if cfg.amp and device.type != "cuda":
        raise GanLabError("--amp needs a CUDA device (bfloat16 autocast); drop --amp on CPU/MPS")
    seed_everything(cfg.seed)

    data = load_dataset(cfg.dataset, cfg.image_size, cfg.data_dir, device, "train", cfg.max_samples)
    print(f"data: {data.description}", flush=True)
    channels = data.images.shape[1]
    generator, discriminator = build_models(cfg.model, cfg.latent_dim, channels)
    generator, discriminator = generator.to(device), discriminator.to(device)
    opt_g = torch.optim.Adam(generator.parameters(), lr=cfg.lr, betas=(cfg.beta1, cfg.beta2))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=cfg.lr_d or cfg.lr, betas=(cfg.beta1, cfg.beta2))
    batch_rng = torch.Generator().manual_seed(cfg.seed)  # data order, on the CPU on every device
    fixed_z = sample_noise(cfg.n_fixed, cfg.latent_dim, seed=cfg.seed + 1).to(device)  # the same grid every epoch
    generator_ema = copy.deepcopy(generator).eval().requires_grad_(False) if cfg.ema else None
    start_epoch = 0
    if state is not None:
        generator.load_state_dict(state["generator"])
        if generator_ema is not None:
            generator_ema.load_state_dict(state["generator_ema"])
        discriminator.load_state_dict(state["discriminator"])
        opt_g.load_state_dict(state["opt_g"])
        opt_d.load_state_dict(state["opt_d"])
        batch_rng.set_state(state["rng"]["batches"])
        torch.set_rng_state(state["rng"]["torch"])
        if device.type == "cuda" and state["rng"].get("cuda"):
            torch.cuda.set_rng_state_all(state["rng"]["cuda"])
        start_epoch = int(state["epoch"])
        print(f"resuming {ckpt_path} after epoch {start_epoch}", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "config.json", _config_json(cfg))
    rows = _read_rows(out / "losses.csv", start_epoch)
    writer = _tensorboard(out) if cfg.tensorboard else None

    steps_per_epoch = len(data) // cfg.batch_size
    if steps_per_epoch == 0:
        raise GanLabError(
            f"the dataset has {len(data)} images, fewer than one batch of {cfg.batch_size}; lower --batch-size"
        )
    policy = parse_policy(cfg.augment)  # () when off: diff_augment then returns its input unchanged
    seconds: list[float] = []
    bar = tqdm(
        total=cfg.epochs * steps_per_epoch,
        initial=start_epoch * steps_per_epoch,
        disable=not progress or None,
        unit="step",
    )
    for epoch in range(start_epoch + 1, cfg.epochs + 1):
        t0 = time.perf_counter()
        generator.train()
        discriminator.train()
        stats = torch.zeros(steps_per_epoch, len(STAT_KEYS), device=device)  # filled on device, read once per epoch
        for i, x_real in enumerate(batches(data.images, cfg.batch_size, batch_rng)):
            z = torch.randn(x_real.shape[0], cfg.latent_dim, device=device)  # z ~ N(0, I)
            with _autocast(device, cfg.amp):
                x_fake = generator(z)
            # DiffAugment: D only ever sees augmented images, real and fake alike, each call freshly drawn
            x_real_d, x_fake_d = diff_augment(x_real, policy), diff_augment(x_fake, policy)
            out_d = d_step(discriminator, opt_d, x_real_d, x_fake_d, cfg.real_label, cfg.amp)
            out_g = g_step(discriminator, opt_g, diff_augment(x_fake, policy), cfg.loss, cfg.amp)
            if generator_ema is not None:
                ema_update(generator_ema, generator, cfg.ema)
            stats[i] = torch.stack([out_d["loss_d"], out_g["loss_g"], out_d["d_real"], out_d["d_fake"]])
            bar.update(1)
        epoch_stats = stats.cpu()  # the one host sync of the epoch
        first_step = (epoch - 1) * steps_per_epoch
        new_rows = [
            {"epoch": epoch, "step": first_step + i + 1, **dict(zip(STAT_KEYS, s.tolist()))}
            for i, s in enumerate(epoch_stats)
        ]
        rows += new_rows
        generator.eval()
        if generator_ema is not None:
            recalibrate_batchnorm(generator_ema, cfg.latent_dim, seed=cfg.seed + 2)
        with torch.no_grad():
            save_grid((generator_ema or generator)(fixed_z), out / "samples" / f"epoch_{epoch:03d}.png")
        _write_rows(rows, out / "losses.csv")
        plot_losses(rows, out / "losses.png")
        save_checkpoint(
            _state(cfg, epoch, channels, generator, generator_ema, discriminator, opt_g, opt_d, batch_rng, device),
            ckpt_path,
        )
        seconds.append(time.perf_counter() - t0)
        means = epoch_stats.mean(0).tolist()
        line = "  ".join(f"{k} {v:.3f}" for k, v in zip(STAT_KEYS, means))
        bar.write(f"epoch {epoch}/{cfg.epochs}  {line}  {seconds[-1]:.1f} s")
        if writer is not None:
            for r in new_rows:
                for k in STAT_KEYS:
                    writer.add_scalar(k, r[k], int(r["step"]))
            writer.flush()
    bar.close()
    if writer is not None:
        writer.close()
    generator.eval()
    return TrainResult(out, generator_ema or generator, discriminator, rows, seconds, data.description)


def _state(cfg, epoch, channels, generator, generator_ema, discriminator, opt_g, opt_d, batch_rng, device) -> dict:  # noqa: ANN001
    return {
        "epoch": epoch,
        "config": asdict(cfg),
        "channels": channels,
        "generator": generator.state_dict(),
        **({"generator_ema": generator_ema.state_dict()} if generator_ema is not None else {}),
        "discriminator": discriminator.state_dict(),
        "opt_g": opt_g.state_dict(),
        "opt_d": opt_d.state_dict(),
        "rng": {
            "batches": batch_rng.get_state(),
            "torch": torch.get_rng_state(),
            "cuda": torch.cuda.get_rng_state_all() if device.type == "cuda" else [],
        },
    }


def _config_json(cfg: TrainConfig) -> str:
    return json.dumps(asdict(cfg), indent=2) + "\n"


def _tensorboard(out: Path):  # noqa: ANN202
    from torch.utils.tensorboard import SummaryWriter  # lazily: tensorboard is only needed with --tensorboard

    return SummaryWriter(log_dir=str(out / "tensorboard"))


def load_generator(checkpoint: str | Path, device: str | torch.device = "cpu") -> tuple[nn.Module, TrainConfig]:
    """Rebuild the generator of a checkpoint, in eval mode, with its training config."""
    state = load_checkpoint(checkpoint, map_location=device)
    cfg = TrainConfig.from_dict(state["config"])
    generator, _ = build_models(cfg.model, cfg.latent_dim, int(state["channels"]))
    # the moving average, when the run kept one, is the better generator to sample from
    generator.load_state_dict(state.get("generator_ema", state["generator"]))
    return generator.to(device).eval(), cfg
