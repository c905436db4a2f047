"""``gan-lab sample``: draw a grid of images (and optionally an array) from a trained generator.

A class-conditional model (Mirza & Osindero 2014) draws the digit ``--digit`` asks for or, without it,
a grid of one row per digit in which each column keeps its z: the style stays, the digit changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from gan_lab.checkpoint import WEIGHTS, load_run
from gan_lab.config import RunOptions
from gan_lab.latent import TRUNCATION_HELP, sample_noise
from gan_lab.models import model_spec
from gan_lab.plots import save_grid, to_unit
from gan_lab.runtime import GanLabError, atomic_write, expect_suffix


@dataclass
class SampleConfig(RunOptions):
    """Draw images from a trained generator."""

    seed: int = field(default=0, metadata={"help": "seed for the noise z"})
    checkpoint: str = field(default="", metadata={"help": "checkpoint.pt written by 'gan-lab train' (required)"})
    n: int = field(
        default=64, metadata={"help": "number of images (a conditional model without --digit: ceil(n/10) per digit)"}
    )
    digit: int = field(
        default=-1,
        metadata={"help": "conditional models: the digit to draw (-1: every digit, one row each)"},
    )
    out: str = field(default="grid.png", metadata={"help": "grid PNG to write"})
    npz: str = field(default="", metadata={"help": "also save the images as an array in [0, 1] to this .npz"})
    truncation: float = field(default=0.0, metadata={"help": TRUNCATION_HELP})
    # raw: a short run's moving average still holds much of the untrained weights
    weights: str = field(
        default="auto",
        metadata={
            "help": "generator drawn from: auto (the moving average when the run kept one, else the trained one), "
            "ema (the moving average), raw (the trained generator)",
            "choices": WEIGHTS,
        },
    )


def conditional_request(n: int, digit: int, num_classes: int) -> tuple[torch.Tensor, torch.Tensor, int]:
    """(column of each image (M,), label of each image (M,), images per row) for a conditional grid.

    ``digit`` >= 0: n images of that digit. ``digit`` -1: ceil(n / num_classes) columns, one row per class;
    image i uses z number ``column[i]``, so every row repeats the same z.
    """
    if digit >= 0:
        return torch.arange(n), torch.full((n,), digit, dtype=torch.long), 0
    cols = math.ceil(n / num_classes)
    return torch.arange(cols).repeat(num_classes), torch.arange(num_classes).repeat_interleave(cols), cols


def run(cfg: SampleConfig) -> None:
    if not cfg.checkpoint:
        raise GanLabError("--checkpoint is required: the checkpoint.pt of a run made by 'gan-lab train'")
    if cfg.n < 1:
        raise GanLabError(f"--n must be a positive integer, got {cfg.n}")
    device = cfg.setup()  # the shared options first, checked in one place
    expect_suffix("--out", cfg.out, ".png")
    if cfg.npz:
        expect_suffix("--npz", cfg.npz, ".npz")
    trained = load_run(cfg.checkpoint, device)
    weights, generator = trained.weights(cfg.weights)  # a one-line error for ema on a run without one
    spec = model_spec(trained.config.model)
    if cfg.digit != -1 and not spec.conditional:
        raise GanLabError(f"--digit needs a class-conditional model (cgan, cgan-concat); {trained.config.model} is not")
    if spec.conditional and not -1 <= cfg.digit < spec.num_classes:
        raise GanLabError(f"--digit must be in 0..{spec.num_classes - 1} (or -1: every digit), got {cfg.digit}")
    labels = None
    if spec.conditional:
        columns, labels, nrow = conditional_request(cfg.n, cfg.digit, spec.num_classes)
        z = sample_noise(int(columns.max()) + 1, trained.config.latent_dim, cfg.seed, cfg.truncation)[columns]
        cond: tuple[torch.Tensor, ...] = (labels.to(device),)
    else:
        z, cond, nrow = sample_noise(cfg.n, trained.config.latent_dim, cfg.seed, cfg.truncation), (), 0
    with torch.no_grad():
        images = generator(z.to(device), *cond)  # (M, C, H, W) in [-1, 1]
    save_grid(images, cfg.out, nrow or None)
    what = f" of digit {cfg.digit}" if cfg.digit >= 0 else f" in {spec.num_classes} rows, one per digit" if nrow else ""
    print(f"wrote {cfg.out} ({len(images)} images{what} from {cfg.checkpoint}, {weights} weights)")
    if cfg.npz:
        array = to_unit(images).cpu().numpy().astype(np.float32)  # (M, C, H, W) in [0, 1]
        extra = {} if labels is None else {"labels": labels.numpy()}
        atomic_write(cfg.npz, lambda tmp: np.savez_compressed(open(tmp, "wb"), images=array, **extra))
        print(f"wrote {cfg.npz} (images: {array.shape}, float32 in [0, 1]{'; labels' if extra else ''})")
