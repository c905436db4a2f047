"""Figures: sample grids and loss curves, written atomically so an interrupted run never leaves a
truncated PNG. Figures are built with matplotlib's object API (``Figure``), not pyplot: no display is
needed, and importing this module never changes the backend of a notebook that uses it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import torch
from matplotlib.figure import Figure
from PIL import Image

from gan_lab.runtime import GanLabError, GanLabTypeError, atomic_write, expect_int, expect_tensor

LOSS_KEYS = ("step", "loss_d", "loss_g", "d_real", "d_fake")  # the columns plot_losses draws


def check_images(images: object, low: float, high: float, hint: str) -> torch.Tensor:
    """A batch (N, C, H, W), C 1 or 3, of floats in [low, high] (1e-3 of slack for rounding); else one line."""
    expect_tensor("images", images, "(N, C, H, W), a batch with C = 1 or 3", (4,), floating=False)
    if not images.is_floating_point():
        raise GanLabTypeError(f"expected float images in [{low:g}, {high:g}], got {images.dtype} ({hint})")
    if images.shape[0] < 1 or images.shape[1] not in (1, 3):
        raise GanLabError(
            f"expected images of shape (N, C, H, W) with N >= 1 and C = 1 or 3, got {tuple(images.shape)}"
        )
    lo, hi = images.detach().amin().item(), images.detach().amax().item()  # one sync: figures are drawn rarely
    if not (low - 1e-3 <= lo and hi <= high + 1e-3):  # NaN fails both
        raise GanLabError(f"expected images in [{low:g}, {high:g}], got values from {lo:.3g} to {hi:.3g} ({hint})")
    return images


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """Map generator output in [-1, 1] to [0, 1] (the range image files and metrics expect)."""
    check_images(images, -1.0, 1.0, "the range of the generator's tanh; pixels 0..255 map to x / 127.5 - 1")
    return ((images.detach().float() + 1.0) / 2.0).clamp(0.0, 1.0)


def make_grid(images: torch.Tensor, nrow: int | None = None, padding: int = 2) -> torch.Tensor:
    """Tile a (N, C, H, W) batch in [0, 1] into one (C, H', W') image on a white background.

    Written here rather than imported from torchvision.utils, whose import pulls in every torchvision
    model and costs about two seconds per command.
    """
    n, c, h, w = check_images(images, 0.0, 1.0, "to_unit maps generator output in [-1, 1] to [0, 1]").shape
    nrow = expect_int("nrow", nrow) if nrow is not None else max(1, math.ceil(math.sqrt(n)))
    padding = expect_int("padding", padding, minimum=0)
    rows = math.ceil(n / nrow)
    grid = images.new_ones(c, rows * (h + padding) + padding, nrow * (w + padding) + padding)
    for i in range(n):
        top, left = padding + (i // nrow) * (h + padding), padding + (i % nrow) * (w + padding)
        grid[:, top : top + h, left : left + w] = images[i]
    return grid


def grid_image(images: torch.Tensor, nrow: int | None = None, padding: int = 2) -> Image.Image:
    """A (N, C, H, W) batch in [-1, 1] as one PIL image, ``nrow`` images per row (default: square)."""
    grid = make_grid(to_unit(images).cpu(), nrow, padding)  # (C, H', W') in [0, 1]
    array = (grid.permute(1, 2, 0).numpy() * 255.0).round().astype("uint8")  # (H', W', C)
    return Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array)


def save_grid(images: torch.Tensor, path: str | Path, nrow: int | None = None) -> Path:
    """Save a batch in [-1, 1] as a grid PNG at ``path`` (atomically)."""
    image = grid_image(images, nrow)
    atomic_write(path, lambda tmp: image.save(tmp, format="PNG"))
    return Path(path)


def plot_losses(rows: Sequence[dict[str, float]], path: str | Path, steps_per_epoch: int | None = None) -> Path:
    """Two panels from the per-step rows of ``losses.csv``: the losses, and D(x), D(G(z)).

    Raw per-step values are drawn faint with a moving average on top: GAN losses are noisy by nature.
    """
    if not rows or not all(isinstance(r, dict) and all(k in r for k in LOSS_KEYS) for r in rows):
        raise GanLabError(
            f"expected a non-empty list of rows with the keys {', '.join(LOSS_KEYS)} (losses.csv's columns)"
        )
    steps = [r["step"] for r in rows]
    fig = Figure(figsize=(11, 3.8))
    ax_loss, ax_prob = fig.subplots(1, 2)
    window = max(1, len(rows) // 50)
    for ax, keys in ((ax_loss, ("loss_d", "loss_g")), (ax_prob, ("d_real", "d_fake"))):
        for key, color in zip(keys, ("tab:blue", "tab:orange")):
            values = torch.tensor([r[key] for r in rows], dtype=torch.float64)
            ax.plot(steps, values, color=color, alpha=0.25, linewidth=0.8)
            if len(values) >= window > 1:
                smooth = values.unfold(0, window, 1).mean(1)
                ax.plot(steps[window - 1 :], smooth, color=color, label=f"{key} (mean of {window})")
            else:
                ax.plot(steps, values, color=color, label=key)
        ax.set_xlabel("step")
        ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3)
    ax_loss.set_title("losses")
    ax_prob.set_title("mean D(x) and D(G(z))")
    ax_prob.set_ylim(0, 1)
    ax_prob.axhline(0.5, color="gray", linestyle=":", linewidth=1)
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    return Path(path)
