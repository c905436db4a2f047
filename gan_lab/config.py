"""Configuration: the options every command shares, and everything a training run depends on.

Every config is a dataclass whose fields carry their help text; ``gan_lab.cli`` turns each field into a
``--flag``. The options shared by all commands (device, seed, threads, and the data directory where
data is read) live in one base class, checked and applied in one place: :meth:`RunOptions.setup`.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import torch

from gan_lab import losses
from gan_lab.augment import parse_policy
from gan_lab.data import DATASETS, DEFAULT_DATA_DIR
from gan_lab.models import IMAGE_SIZES, MODELS, REGISTRY, model_spec
from gan_lab.objectives import Objective, check_objective
from gan_lab.runtime import GanLabError, pick_device, seed_everything


def default_threads() -> int:
    """CPUs this process may use that are not busy, split between the processes of one torchrun node.

    Never more threads than idle cores: two threads competing with another process for one core were
    measured many times slower than one thread (each waits for the other at every parallel region).
    """
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    busy = round(os.getloadavg()[0]) if hasattr(os, "getloadavg") else 0
    per_node = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
    return max(1, min(cpus // per_node, cpus - busy))


@dataclass
class RunOptions:
    """The options of every command: where to run, with how many threads, from which seed."""

    device: str = field(default="auto", metadata={"help": "auto (cuda, then mps, then cpu), cpu, cuda, cuda:N, mps"})
    seed: int = field(default=0, metadata={"help": "seed of every random draw"})
    num_threads: int = field(
        default=0,
        metadata={"help": "CPU threads for torch (0: the idle CPUs, shared by the processes of a torchrun node)"},
    )

    def setup(self) -> torch.device:
        """Check the shared options, then apply them: torch's thread count, the device, every seed."""
        if self.num_threads < 0:
            raise GanLabError(f"--num-threads must be 0 or more, got {self.num_threads}")
        if self.num_threads or "OMP_NUM_THREADS" not in os.environ:  # an explicit OMP_NUM_THREADS is kept
            torch.set_num_threads(self.num_threads or default_threads())
        device = pick_device(self.device)
        seed_everything(self.seed)
        return device


@dataclass
class DataOptions(RunOptions):
    """The shared options of the commands that read MNIST."""

    data_dir: str = field(default=str(DEFAULT_DATA_DIR), metadata={"help": "where full MNIST is cached/downloaded"})


@dataclass
class TrainConfig(DataOptions):
    """Everything a training run depends on; saved in config.json and in every checkpoint."""

    seed: int = field(default=0, metadata={"help": "seeds data order, noise, dropout and initial weights"})
    model: str = field(default="mlp", metadata={"help": "architecture", "choices": MODELS})
    dataset: str = field(
        default="auto", metadata={"help": "auto: full MNIST if available, else the shipped sample", "choices": DATASETS}
    )
    max_samples: int = field(default=0, metadata={"help": "train on a fixed random subset of N images (0: all)"})
    epochs: int = field(default=5, metadata={"help": "number of passes over the training images"})
    batch_size: int = field(
        default=0,
        metadata={
            "help": "0: the model's default (" + ", ".join(f"{n} {s.batch_size}" for n, s in REGISTRY.items()) + ")"
        },
    )
    lr: float = field(
        default=0.0,
        metadata={
            "help": "Adam learning rate for both networks (0: the model's default, "
            + ", ".join(f"{n} {s.lr:g}" for n, s in REGISTRY.items())
            + ")"
        },
    )
    # two time-scale update rule (Heusel et al. 2017): a faster discriminator keeps its gradients informative
    lr_d: float = field(default=0.0, metadata={"help": "discriminator learning rate (0: the same as --lr)"})
    # beta1 = 0.5 instead of 0.9: less momentum, so an optimizer reacts faster to the other player's moves
    beta1: float = field(
        default=-1.0,
        metadata={
            "help": "Adam beta1 (-1: the model's default, "
            + ", ".join(f"{n} {s.beta1:g}" for n, s in REGISTRY.items())
            + ")"
        },
    )
    beta2: float = field(default=0.999, metadata={"help": "Adam beta2"})
    latent_dim: int = field(default=100, metadata={"help": "size of the noise vector z"})
    # the objective (gan_lab.objectives): a loss family, its Lipschitz constraint, and critic steps per G step
    loss: str = field(
        default="non-saturating",
        metadata={
            "help": "loss family (lsgan: least squares, wgan: Wasserstein with clipping, wgan-gp: with the "
            "gradient penalty)",
            "choices": losses.LOSSES,
        },
    )
    # 0 stands for the paper's value, so that a value given with a loss that has no use for it is refused
    gp_weight: float = field(
        default=0.0, metadata={"help": "gradient penalty weight lambda, --loss wgan-gp only (0: 10, Gulrajani et al.)"}
    )
    clip: float = field(
        default=0.0, metadata={"help": "weight clipping bound c, --loss wgan only (0: 0.01, Arjovsky et al.)"}
    )
    n_critic: int = field(
        default=1, metadata={"help": "discriminator steps per generator step (5 in both WGAN papers)"}
    )
    spectral_norm: bool = field(
        default=False, metadata={"help": "spectral normalisation of every discriminator layer (Miyato et al. 2018)"}
    )
    # TensorFlow's DCGAN tutorial computes both losses from one forward pass and applies both updates, so G
    # follows the discriminator as it was before this step's D update (the course's loop, Goodfellow et al.'s
    # Algorithm 1, updates D first and lets G see the updated one)
    simultaneous: bool = field(
        default=False,
        metadata={"help": "G steps through D as it was before this step's D update (TensorFlow's DCGAN tutorial)"},
    )
    real_label: float = field(default=1.0, metadata={"help": "target for real images; 0.9 = one-sided label smoothing"})
    amp: bool = field(
        default=False,
        metadata={
            "help": "bfloat16 mixed precision (autocast), where bf16 is native: CUDA, or a CPU with AVX512-BF16/AMX/ARM BF16"
        },
    )
    augment: str = field(
        default="",
        metadata={"help": "DiffAugment policy for every image D sees, e.g. translation,cutout (empty: off)"},
    )
    # an average of the generator over recent steps smooths out the oscillation of the two-player game
    ema: float = field(
        default=-1.0,
        metadata={
            "help": "decay of a moving average of the generator's weights used for samples (0: off; -1: the "
            "model's default, " + ", ".join(f"{n} {s.ema:g}" for n, s in REGISTRY.items()) + ")"
        },
    )
    n_fixed: int = field(default=64, metadata={"help": "images in the per-epoch progress grid"})
    out: str = field(default="", metadata={"help": "run directory (default: runs/<model>)"})
    resume: bool = field(default=False, metadata={"help": "continue the run in --out from its checkpoint"})
    tensorboard: bool = field(default=False, metadata={"help": "also log to <out>/tensorboard"})
    # the fast path: the same maths in fewer, larger kernels; the rounding differs, so a run with any of
    # these does not reproduce the reference runs (book/results) bit for bit (each is exact on resume)
    fused_adam: bool = field(
        default=False, metadata={"help": "Adam's fused kernel: one update for all of a network's parameters"}
    )
    joint_d_pass: bool = field(
        default=False,
        metadata={"help": "one D pass over real and fake together, where D has no BatchNorm and no dropout (mlp)"},
    )
    channels_last: bool = field(
        default=False, metadata={"help": "channels-last memory layout for the networks and data (GPU tensor cores)"}
    )
    compile: bool = field(
        default=False, metadata={"help": "torch.compile both networks (the first steps are slower: compiling)"}
    )

    # what may differ when a run is continued; everything else is the run's identity, read from its checkpoint
    # (out too: a run directory that was copied or moved records where it lives now)
    RESUMABLE = ("epochs", "device", "tensorboard", "num_threads", "resume", "out")

    @property
    def image_size(self) -> int:
        """The one size the model produces (and the data is loaded at)."""
        return IMAGE_SIZES[self.model]

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        """Rebuild a config saved by an earlier run (unknown keys from other versions are ignored)."""
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})

    def continued(self, saved: dict[str, Any]) -> TrainConfig:
        """The config of a resumed run: the saved one, with only the :attr:`RESUMABLE` fields taken from this one."""
        return TrainConfig.from_dict({**saved, **{k: getattr(self, k) for k in self.RESUMABLE}})

    def resolved(self) -> TrainConfig:
        """Fill model-dependent defaults and check every field; raise GanLabError on bad input."""
        cfg = TrainConfig(**asdict(self))
        spec = model_spec(cfg.model)
        cfg.batch_size = cfg.batch_size or spec.batch_size
        cfg.lr = cfg.lr or spec.lr
        cfg.beta1 = spec.beta1 if cfg.beta1 == -1.0 else cfg.beta1
        cfg.ema = spec.ema if cfg.ema == -1.0 else cfg.ema
        cfg.out = cfg.out or str(Path("runs") / cfg.model)
        for name in ("epochs", "max_samples"):  # --num-threads: checked with the other shared options in setup()
            if getattr(cfg, name) < 0:
                raise GanLabError(f"--{name.replace('_', '-')} must be 0 or more, got {getattr(cfg, name)}")
        for name in ("batch_size", "latent_dim", "n_fixed"):
            if getattr(cfg, name) < 1:
                raise GanLabError(f"--{name.replace('_', '-')} must be a positive integer, got {getattr(cfg, name)}")
        if not (cfg.lr > 0 and cfg.lr_d >= 0 and 0 <= cfg.beta1 < 1 and 0 <= cfg.beta2 < 1):
            raise GanLabError("expected --lr > 0, --lr-d >= 0 and 0 <= --beta1, --beta2 < 1")
        cfg.augment = ",".join(parse_policy(cfg.augment))
        if not 0.0 <= cfg.ema < 1.0:
            raise GanLabError(f"--ema must be in [0, 1), got {cfg.ema}")
        if not 0.5 < cfg.real_label <= 1.0:
            raise GanLabError(f"--real-label must be in (0.5, 1], got {cfg.real_label}")
        for name, loss, value in (("clip", "wgan", 0.01), ("gp_weight", "wgan-gp", 10.0)):
            if getattr(cfg, name) and cfg.loss != loss:
                raise GanLabError(
                    f"--{name.replace('_', '-')} belongs to --loss {loss}; --loss {cfg.loss} has no use for it"
                )
            setattr(cfg, name, getattr(cfg, name) or (value if cfg.loss == loss else 0.0))
        check_objective(cfg.objective, real_label=cfg.real_label)  # the checks that need no network
        if cfg.compile and cfg.loss == "wgan-gp":
            raise GanLabError("--compile cannot differentiate the gradient penalty's gradient again: drop --compile")
        return cfg

    @property
    def objective(self) -> Objective:
        """The loss family, its constraint and ``n_critic``, as ``gan_lab.objectives`` takes them."""
        return Objective(self.loss, self.gp_weight, self.clip, self.spectral_norm, self.n_critic)
