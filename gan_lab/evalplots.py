"""Evaluation figures: D(x) and D(G(z)) histograms over training, nearest real neighbours, training GIF.

References:
- Goodfellow et al. 2014, section 4: at the equilibrium of the game $D(x) = 1/2$ everywhere, so the two
  histograms should drift towards each other and towards 0.5 as training goes well.
- Theis, van den Oord & Bethge 2016, "A note on the evaluation of generative models": nearest
  neighbours in pixel space are the usual check that samples are not copies of training images.

Images come in as (N, 1, H, W) in [-1, 1]; figures are written atomically (``gan_lab.runtime``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import torch
from matplotlib.figure import Figure
from PIL import Image, ImageDraw

from gan_lab.checkpoint import Run
from gan_lab.latent import sample_noise
from gan_lab.plots import grid_image
from gan_lab.runtime import GanLabError, atomic_write


@torch.no_grad()
def discriminator_outputs(
    run: Run, x_real: torch.Tensor, n: int = 1000, seed: int = 0
) -> tuple[int, torch.Tensor, torch.Tensor]:
    """A run's (live) generator and discriminator; return (epoch, D(x) (n,), D(G(z)) (n,)).

    Both networks run in eval mode (dropout off, BatchNorm on its running statistics), so the values
    describe the networks as saved, not one noisy training batch. ``x_real``: (M, 1, H, W) in [-1, 1].
    """
    rng = torch.Generator().manual_seed(seed)  # one stream: the noise, then which real digits
    z = sample_noise(n, run.config.latent_dim, rng)  # (n, latent_dim)
    x_real = x_real[torch.randperm(x_real.shape[0], generator=rng)[:n]]
    d_real = torch.sigmoid(run.discriminator(x_real)).flatten()  # (n,) D(x)
    d_fake = torch.sigmoid(run.discriminator(run.generator(z))).flatten()  # (n,) D(G(z))
    return run.epoch, d_real, d_fake


def d_histogram_figure(outputs: Sequence[tuple[int, torch.Tensor, torch.Tensor]]) -> Figure:
    """One panel per checkpoint: histograms of D(x) on real digits and D(G(z)) on generated ones.

    Every panel carries its own labelled axes (a reader compares panels side by side, not down a
    column), and the legend sits above them all, where no panel's bars can cover it.
    """
    if not outputs:
        raise GanLabError("no checkpoints to draw discriminator histograms from")
    cols = min(4, len(outputs))
    rows = -(-len(outputs) // cols)  # ceiling division: at most 4 panels per row
    # matplotlib's object API: no pyplot state, and a notebook's backend is never switched
    fig = Figure(figsize=(2.8 * cols, 2.5 * rows + 0.5), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)  # not sharex: shared axes hide the inner panels' ticks
    for ax in axes.flat[len(outputs) :]:
        ax.axis("off")
    bins = torch.linspace(0, 1, 26).tolist()
    for ax, (epoch, d_real, d_fake) in zip(axes.flat, outputs, strict=False):
        ax.hist(d_real.numpy(), bins=bins, alpha=0.6, color="tab:blue", label="D(x) on real digits")
        ax.hist(d_fake.numpy(), bins=bins, alpha=0.6, color="tab:orange", label="D(G(z)) on generated digits")
        ax.axvline(0.5, color="gray", linestyle=":", linewidth=1)
        ax.set_title(f"epoch {epoch}", fontsize=10)
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "0.25", "0.5", "0.75", "1"])
        ax.set_xlabel("D output", fontsize=9)
        ax.set_ylabel("images", fontsize=9)
        ax.tick_params(labelsize=8)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=2, fontsize=10, frameon=False)
    return fig


def plot_d_histograms(outputs: Sequence[tuple[int, torch.Tensor, torch.Tensor]], path: str | Path) -> Path:
    """Write :func:`d_histogram_figure` as a PNG."""
    fig = d_histogram_figure(outputs)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=100))
    return Path(path)


def nearest_neighbours(
    queries: torch.Tensor, pool: torch.Tensor, chunk: int = 1024
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pixel-space L2 nearest neighbour in ``pool`` (M, C, H, W) of each query (N, C, H, W): (distances, indices)."""
    # float64: cdist's fast path (|a|^2 + |b|^2 - 2ab) loses small distances to cancellation in float32
    q, p = queries.flatten(1).double(), pool.flatten(1).double()  # (N, CHW), (M, CHW)
    dist, idx = [], []
    for start in range(0, q.shape[0], chunk):
        d = torch.cdist(q[start : start + chunk], p)  # (chunk, M)
        best = d.min(1)
        dist.append(best.values)
        idx.append(best.indices)
    return torch.cat(dist), torch.cat(idx)


def save_nearest_neighbour_grid(
    fakes: torch.Tensor, train: torch.Tensor, path: str | Path, n: int = 16, scale: int = 3
) -> Path:
    """Pairs of a generated digit (left) and its nearest training digit in pixel space (right), 4 pairs a row.

    Images are compared at the size given; 28x28 grids are enlarged ``scale`` times (nearest neighbour,
    so no smoothing hides speckle) to be readable on a page.
    """
    fakes = fakes[:n]
    _, idx = nearest_neighbours(fakes, train)
    pairs = torch.stack([fakes, train[idx]], 1).flatten(0, 1)  # (2n, C, H, W): fake, neighbour, fake, ...
    image = grid_image(pairs, nrow=8)
    if fakes.shape[-1] <= 32:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    atomic_write(path, lambda tmp: image.save(tmp, format="PNG"))
    return Path(path)


def save_training_gif(
    samples_dir: str | Path, path: str | Path, max_frames: int = 16, duration_ms: int = 400, max_width: int = 256
) -> Path:
    """Animated GIF of the per-epoch grids ``samples/epoch_NNN.png`` that ``gan-lab train`` writes.

    At most ``max_frames`` epochs, evenly spaced (first and last always in), each labelled with its
    epoch; the last frame is held four times longer. Frames wider than ``max_width`` are downsized
    and every frame is reduced to 16 grey levels: the file stays well under 1 MB.
    """
    files = sorted(Path(samples_dir).glob("epoch_*.png"), key=lambda f: int(re.findall(r"\d+", f.stem)[-1]))
    if not files:
        raise GanLabError(
            f"no epoch_*.png grids in {samples_dir}: expected the samples/ folder of a 'gan-lab train' run"
        )
    if len(files) > max_frames:
        step = (len(files) - 1) / (max_frames - 1)
        files = [files[round(i * step)] for i in range(max_frames)]
    frames = []
    for f in files:
        img = Image.open(f).convert("L")
        if img.width > max_width:
            img = img.resize((max_width, round(img.height * max_width / img.width)), Image.LANCZOS)
        canvas = Image.new("L", (img.width, img.height + 14), 255)
        canvas.paste(img, (0, 14))
        ImageDraw.Draw(canvas).text((3, 1), f"epoch {int(re.findall(r'[0-9]+', f.stem)[-1])}", fill=0)
        frames.append(canvas.quantize(colors=16))
    durations = [duration_ms] * (len(frames) - 1) + [duration_ms * 4]

    def write(tmp: str) -> None:
        buf = io.BytesIO()
        frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
        Path(tmp).write_bytes(buf.getvalue())

    atomic_write(path, write)
    return Path(path)
