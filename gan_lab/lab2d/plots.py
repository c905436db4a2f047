"""Figures of the 2-D lab: real and generated points, the discriminator's decision surface, the force on each
generated point, the generator's motion over training, and an animation with a step slider.

In the spirit of Kahng et al. 2018, "GAN Lab: Understanding Complex Deep Generative Models using Interactive
Visual Experimentation" (the decision surface behind the points, the generator's gradients as arrows).
Built with matplotlib's object API (``Figure``), so importing this module never changes a notebook's backend;
``animate`` returns a ``FuncAnimation``; ``offline_html`` turns it into self-contained HTML (frames embedded
as PNG, JavaScript controls and step slider inline) that plays offline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import torch
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from gan_lab.lab2d.metrics import N_STD
from gan_lab.lab2d.mixtures import Mixture
from gan_lab.lab2d.train import Lab2dRun, Snapshot

REAL, FAKE = "#1f77b4", "#d62728"


def draw_real(ax: Axes, mixture: Mixture, real: torch.Tensor) -> None:
    """Real points and, around each mode, the circle of radius 3 std inside which a point is high quality."""
    real = real.numpy()
    ax.scatter(real[:, 0], real[:, 1], s=2, c=REAL, alpha=0.5, linewidths=0)
    for cx, cy in mixture.centres.tolist():
        ax.add_patch(Circle((cx, cy), N_STD * mixture.std, fill=False, ec=REAL, lw=0.6))
    ax.set_xlim(-mixture.extent, mixture.extent)
    ax.set_ylim(-mixture.extent, mixture.extent)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def draw_snapshot(
    ax: Axes, mixture: Mixture, snap: Snapshot, real: torch.Tensor, probability: bool, arrows: int = 64
) -> None:
    """One moment of training: decision surface, real points, generated points and the force on some of them."""
    e = mixture.extent
    # the surface is D(x) in [0, 1] for the cross-entropy losses; a score of any scale for the others
    vmin, vmax = (0.0, 1.0) if probability else (float(snap.surface.min()), float(snap.surface.max()))
    ax.imshow(
        snap.surface.numpy(),
        origin="lower",
        extent=(-e, e, -e, e),
        cmap="Greys",
        vmin=vmin,
        vmax=vmax,
        alpha=0.55,
        interpolation="bilinear",  # saved runs keep the surface at half resolution
    )
    draw_real(ax, mixture, real)
    x_fake = snap.x_fake.numpy()
    ax.scatter(x_fake[:, 0], x_fake[:, 1], s=3, c=FAKE, linewidths=0)
    if arrows:
        f = snap.force[:arrows]
        scale = float(f.norm(dim=1).max().clamp_min(1e-12)) / (0.15 * e)  # the longest arrow: 15% of the half-width
        f = (f / scale).numpy()
        ax.quiver(x_fake[:arrows, 0], x_fake[:arrows, 1], f[:, 0], f[:, 1],
                  angles="xy", scale_units="xy", scale=1, color=FAKE, width=0.004, alpha=0.8)  # fmt: skip
    ax.set_title(f"step {snap.step}", fontsize=9)


def plot_snapshots(run: Lab2dRun, mixture: Mixture, real: torch.Tensor, steps: Sequence[int]) -> Figure:
    """A row of panels at the snapshots nearest to ``steps``."""
    fig = Figure(figsize=(2.3 * len(steps), 2.5), layout="constrained")
    axes = fig.subplots(1, len(steps), squeeze=False)[0]
    probability = run.loss in ("non-saturating", "saturating")
    for ax, step in zip(axes, steps):
        snap = min(run.snapshots, key=lambda s: abs(s.step - step))
        draw_snapshot(ax, mixture, snap, real, probability)
    return fig


def draw_motion(ax: Axes, run: Lab2dRun, mixture: Mixture, real: torch.Tensor, n_paths: int = 128) -> None:
    """The paths of ``n_paths`` generated points (fixed z) through all snapshots, and where they end."""
    path = torch.stack([s.x_fake[:n_paths] for s in run.snapshots]).numpy()  # (snapshots, n_paths, 2)
    draw_real(ax, mixture, real)
    for i in range(path.shape[1]):
        ax.plot(path[:, i, 0], path[:, i, 1], c=FAKE, lw=0.4, alpha=0.35)
    ax.scatter(path[-1, :, 0], path[-1, :, 1], s=5, c=FAKE, linewidths=0, zorder=3)


def plot_comparison(runs: Sequence[Lab2dRun], titles: Sequence[str], mixture: Mixture, real: torch.Tensor) -> Figure:
    """Final generated points of several runs side by side, each titled with its modes covered and HQ share."""
    fig = Figure(figsize=(2.5 * len(runs), 2.8), layout="constrained")
    for ax, run, title in zip(fig.subplots(1, len(runs), squeeze=False)[0], runs, titles):
        draw_real(ax, mixture, real)
        ax.scatter(run.x_fake[:, 0].numpy(), run.x_fake[:, 1].numpy(), s=2, c=FAKE, linewidths=0, alpha=0.6)
        ax.set_title(
            f"{title}\n{run.score.modes_covered}/{mixture.n_modes} modes, HQ {run.score.hq_share:.0%}", fontsize=9
        )
    return fig


def animate(run: Lab2dRun, mixture: Mixture, real: torch.Tensor, size: float = 4.0) -> FuncAnimation:
    """One frame per snapshot; ``.to_jshtml()`` gives the player with its step slider."""
    fig = Figure(figsize=(size, size), dpi=72, layout="constrained")
    ax = fig.subplots()
    probability = run.loss in ("non-saturating", "saturating")

    def frame(i: int) -> list:
        ax.clear()
        draw_snapshot(ax, mixture, run.snapshots[i], real, probability)
        return []

    return FuncAnimation(fig, frame, frames=len(run.snapshots), interval=150, blit=False)


def offline_html(animation: FuncAnimation) -> str:
    """``animation.to_jshtml()`` without the stylesheet that matplotlib loads from a CDN for its button icons.

    The book's theme (pydata-sphinx-theme) bundles Font Awesome, which draws the same ``fa`` icons offline;
    elsewhere the buttons still work, with their titles as tooltips.
    """
    return re.sub(r"<link[^>]*font-awesome[^>]*>", "", animation.to_jshtml())
