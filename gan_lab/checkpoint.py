"""Checkpoints: the one on-disk format of a run, written by ``train`` and read by every command.

- :class:`TrainState` is everything needed to continue a run exactly: the networks (and the moving
  average of the generator), both optimizers, every random number generator, the epoch, the count of
  discriminator steps (the ``--n-critic`` rhythm) and the config.
  ``state_dict()`` and ``load_state_dict()`` are the symmetric pair that save and resume use.
- :func:`load_run` is the one reader for the commands that only use a finished run (sample, evaluate,
  figures): it rebuilds the networks, in eval mode, with their config and epoch.
- :func:`start_or_resume` is where a training run begins: a fresh run directory, or a checkpoint to continue.

Written atomically (temporary file, then rename): a crash while saving leaves the previous checkpoint
intact and loadable. Loaded with ``weights_only=True``: a checkpoint is data, never code.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from gan_lab.config import TrainConfig
from gan_lab.models import build_models
from gan_lab.objectives import check_objective
from gan_lab.regularizers import apply_spectral_norm
from gan_lab.runtime import GanLabError, GanLabTypeError, atomic_write, describe, first_line, pick_device

FORMAT = "gan_lab-checkpoint-v1"
# which generator of a run to use: the moving average when there is one, the average, the trained one
WEIGHTS = ("auto", "ema", "raw")


@dataclass
class TrainState:
    """A run in progress: what one checkpoint holds."""

    config: TrainConfig
    channels: int
    generator: nn.Module
    discriminator: nn.Module
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    batch_rng: torch.Generator  # data order, on the CPU on every device
    generator_ema: nn.Module | None = None  # the moving average of the generator, with --ema
    epoch: int = 0  # epochs finished
    d_steps: int = 0  # discriminator steps taken: with --n-critic k, the generator steps after every k-th
    loss_g: torch.Tensor | None = None  # the last generator step's loss, logged for the steps without one

    @classmethod
    def create(cls, cfg: TrainConfig, channels: int, device: torch.device) -> TrainState:
        """Fresh networks and optimizers for ``cfg``, drawn from the global RNG (seed it first); a discriminator
        that cannot serve ``cfg``'s objective (BatchNorm with the gradient penalty) is a :class:`GanLabError`."""
        generator, discriminator = build_networks(cfg, channels)
        check_objective(cfg.objective, discriminator, cfg.real_label)
        generator, discriminator = generator.to(device), discriminator.to(device)
        if cfg.channels_last:  # a memory layout only: parameters and checkpoints are the same
            generator = generator.to(memory_format=torch.channels_last)
            discriminator = discriminator.to(memory_format=torch.channels_last)
        adam = {"betas": (cfg.beta1, cfg.beta2), "fused": True if cfg.fused_adam else None}
        opt_g = torch.optim.Adam(generator.parameters(), lr=cfg.lr, **adam)
        opt_d = torch.optim.Adam(discriminator.parameters(), lr=cfg.lr_d or cfg.lr, **adam)
        batch_rng = torch.Generator().manual_seed(cfg.seed)
        generator_ema = copy.deepcopy(generator).eval().requires_grad_(False) if cfg.ema else None
        return cls(cfg, channels, generator, discriminator, opt_g, opt_d, batch_rng, generator_ema)

    @property
    def sampler(self) -> nn.Module:
        """The generator to draw samples from: the moving average when the run keeps one."""
        return self.generator_ema if self.generator_ema is not None else self.generator

    def state_dict(self) -> dict[str, Any]:
        device = next(self.generator.parameters()).device
        return {
            "epoch": self.epoch,
            "d_steps": self.d_steps,
            **({"loss_g": self.loss_g} if self.loss_g is not None else {}),
            "config": asdict(self.config),
            "channels": self.channels,
            "generator": self.generator.state_dict(),
            **({"generator_ema": self.generator_ema.state_dict()} if self.generator_ema is not None else {}),
            "discriminator": self.discriminator.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "rng": {
                "batches": self.batch_rng.get_state(),
                "torch": torch.get_rng_state(),
                "cuda": torch.cuda.get_rng_state_all() if device.type == "cuda" else [],
            },
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` saved, the global RNGs included; the config stays the caller's."""
        self.generator.load_state_dict(state["generator"])
        if self.generator_ema is not None:
            self.generator_ema.load_state_dict(state["generator_ema"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.batch_rng.set_state(state["rng"]["batches"])
        torch.set_rng_state(state["rng"]["torch"])
        device = next(self.generator.parameters()).device
        if device.type == "cuda" and state["rng"].get("cuda"):
            torch.cuda.set_rng_state_all(state["rng"]["cuda"])
        self.epoch = int(state["epoch"])
        self.d_steps = int(state.get("d_steps", 0))  # 0 in checkpoints from before --n-critic: they used 1
        self.loss_g = state["loss_g"].to(device) if "loss_g" in state else None

    def nbytes(self) -> int:
        """About the size of a checkpoint: the networks, and Adam's two moments per parameter."""
        nets = [m for m in (self.generator, self.discriminator, self.generator_ema) if m is not None]
        tensors = [t for m in nets for t in m.state_dict().values()]
        params = [p for m in (self.generator, self.discriminator) for p in m.parameters()]
        return sum(t.numel() * t.element_size() for t in tensors) + 2 * sum(
            p.numel() * p.element_size() for p in params
        )

    def save(self, path: str | Path) -> Path:
        return save_checkpoint(self.state_dict(), path)


@dataclass
class Run:
    """A finished (or interrupted) run as :func:`load_run` rebuilds it; networks in eval mode."""

    path: Path
    config: TrainConfig
    epoch: int
    generator: nn.Module  # the live generator
    discriminator: nn.Module
    generator_ema: nn.Module | None

    @property
    def sampler(self) -> nn.Module:
        """The generator to draw samples from: the moving average when the run kept one."""
        return self.generator_ema if self.generator_ema is not None else self.generator

    def weights(self, choice: str = "auto") -> tuple[str, nn.Module]:
        """``(name, generator)`` for ``choice`` in :data:`WEIGHTS`, the name saying which was taken.

        auto: the :attr:`sampler`; ema: the moving average; raw: the trained generator itself. A run
        kept with ``--ema`` holds both, so one run scores the plain recipe and its average at equal steps.
        """
        if choice not in WEIGHTS:
            raise GanLabError(f"expected weights to be one of {', '.join(WEIGHTS)}, got {choice!r}")
        if choice == "ema" and self.generator_ema is None:
            raise GanLabError(
                f"weights 'ema' asked of {self.path}, which holds no moving average (trained without --ema): "
                "use raw or auto"
            )
        if choice == "raw" or self.generator_ema is None:
            return "raw", self.generator
        return "ema", self.generator_ema


def load_run(path: str | Path, device: str | torch.device = "cpu") -> Run:
    """Rebuild the networks of the checkpoint at ``path`` on ``device``, with the run's config and epoch."""
    device = pick_device(device)  # a bad device name is a one-line error before the file is read
    state = load_checkpoint(path, map_location=device)
    try:
        cfg = TrainConfig.from_dict(state["config"])
        channels = int(state["channels"])
        generator, discriminator = build_networks(cfg, channels)
        generator.load_state_dict(state["generator"])
        discriminator.load_state_dict(state["discriminator"])
        generator_ema = None
        if "generator_ema" in state:
            generator_ema = copy.deepcopy(generator)
            generator_ema.load_state_dict(state["generator_ema"])
            generator_ema = generator_ema.to(device).eval()
    except (KeyError, TypeError, RuntimeError) as err:  # a missing entry, or weights that do not fit the model
        raise GanLabError(
            f"{path} is an incomplete gan_lab checkpoint or one of another version ({type(err).__name__}: "
            f"{first_line(err)}); sample from a checkpoint written by this version's 'gan-lab train'"
        ) from err
    return Run(
        Path(path),
        cfg,
        int(state["epoch"]),
        generator.to(device).eval(),
        discriminator.to(device).eval(),
        generator_ema,
    )


def build_networks(cfg: TrainConfig, channels: int) -> tuple[nn.Module, nn.Module]:
    """``(generator, discriminator)`` of ``cfg``'s model, the discriminator spectrally normalised with
    ``--spectral-norm`` (its state dict then holds each weight's parametrization and power-iteration vectors)."""
    generator, discriminator = build_models(cfg.model, cfg.latent_dim, channels)
    if cfg.spectral_norm:
        apply_spectral_norm(discriminator)
    return generator, discriminator


def start_or_resume(config: TrainConfig) -> tuple[TrainConfig, dict | None]:
    """The resolved config and, with --resume, the checkpoint to continue from."""
    cfg = config.resolved()
    ckpt_path = Path(cfg.out) / "checkpoint.pt"
    if cfg.resume:
        saved = load_checkpoint(ckpt_path)
        return cfg.continued(saved["config"]), saved
    if ckpt_path.exists():
        raise GanLabError(
            f"{cfg.out} already holds a run ({ckpt_path}); pass --resume to continue it or choose another --out"
        )
    return cfg, None


def save_checkpoint(state: dict[str, Any], path: str | Path) -> Path:
    """Save ``state`` (a dict of tensors, state dicts and plain values) to ``path`` atomically."""
    atomic_write(path, lambda tmp: torch.save({"format": FORMAT, **state}, tmp))
    return Path(path)


def load_checkpoint(path: str | Path, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Load a checkpoint written by :func:`save_checkpoint`, or raise a one-line :class:`GanLabError`."""
    if not isinstance(path, (str, Path)):
        raise GanLabTypeError(f"expected a checkpoint path, got {describe(path)}")
    path = Path(path)
    if path.is_dir():
        inside = " (it holds checkpoint.pt: pass that)" if (path / "checkpoint.pt").is_file() else ""
        raise GanLabError(f"expected a checkpoint file, got the folder {path}{inside}")
    if not path.is_file():
        raise GanLabError(f"no checkpoint at {path}: expected a checkpoint.pt written by 'gan-lab train'")
    with path.open("rb") as f:
        if f.read(4) != b"PK\x03\x04":  # torch.save writes a zip archive
            raise GanLabError(f"{path} is not a readable gan_lab checkpoint (not a file written by torch.save)")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # a damaged file fails in many ways (zip, pickle, KeyError, EOF): all mean 'unreadable'
        raise GanLabError(
            f"{path} is not a readable gan_lab checkpoint (corrupt or truncated: {first_line(err)[:100]}); "
            "restore it from a copy or start a new run"
        ) from err
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise GanLabError(f"{path} is not a gan_lab checkpoint (expected format {FORMAT!r})")
    return state
