"""``gan-lab sample``: draw a grid of images (and optionally an array) from a trained generator."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from gan_lab.checkpoint import load_run
from gan_lab.config import RunOptions
from gan_lab.latent import TRUNCATION_HELP, sample_noise
from gan_lab.plots import save_grid, to_unit
from gan_lab.runtime import GanLabError, atomic_write


@dataclass
class SampleConfig(RunOptions):
    """Draw images from a trained generator."""

    seed: int = field(default=0, metadata={"help": "seed for the noise z"})
    checkpoint: str = field(default="", metadata={"help": "checkpoint.pt written by 'gan-lab train' (required)"})
    n: int = field(default=64, metadata={"help": "number of images"})
    out: str = field(default="grid.png", metadata={"help": "grid PNG to write"})
    npz: str = field(default="", metadata={"help": "also save the images as an array in [0, 1] to this .npz"})
    truncation: float = field(default=0.0, metadata={"help": TRUNCATION_HELP})


def run(cfg: SampleConfig) -> None:
    if not cfg.checkpoint:
        raise GanLabError("--checkpoint is required: the checkpoint.pt of a run made by 'gan-lab train'")
    if cfg.n < 1:
        raise GanLabError(f"--n must be a positive integer, got {cfg.n}")
    device = cfg.setup()
    trained = load_run(cfg.checkpoint, device)
    z = sample_noise(cfg.n, trained.config.latent_dim, cfg.seed, cfg.truncation).to(device)  # (n, latent_dim)
    with torch.no_grad():
        images = trained.sampler(z)  # (n, C, H, W) in [-1, 1]
    save_grid(images, cfg.out)
    print(f"wrote {cfg.out} ({cfg.n} images from {cfg.checkpoint})")
    if cfg.npz:
        array = to_unit(images).cpu().numpy().astype(np.float32)  # (n, C, H, W) in [0, 1]
        atomic_write(cfg.npz, lambda tmp: np.savez_compressed(open(tmp, "wb"), images=array))
        print(f"wrote {cfg.npz} (images: {array.shape}, float32 in [0, 1])")
