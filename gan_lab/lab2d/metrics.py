r"""Mode coverage and sample quality on a Gaussian mixture, as Srivastava et al. 2017 measure them.

References:
- Srivastava et al. 2017, "VEEGAN", section 5.1: a generated point is *high quality* when it lies within
  three standard deviations of the nearest mode's centre; a mode is *covered* when enough generated points
  belong to it; both reported over many runs.
- Metz et al. 2017, "Unrolled GANs", figure 1: the ring on which a standard GAN visits one mode at a time.

The rule used here: a point $x$ belongs to mode $k$ when $\lVert x - \mu_k\rVert \le 3\sigma$ (the modes
are at least $20\sigma$ apart, so a point belongs to at most one). Of $n$ generated points, mode $k$ is
*covered* when at least $n / (5K)$ of them belong to it: a fifth of the $n/K$ that a perfect generator
gives it on average (for the ring with $n = 2500$: 62 points; for the grid: 20). A handful of stray points
passing through a mode on their way elsewhere therefore does not count as covering it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from gan_lab.lab2d.mixtures import Mixture
from gan_lab.runtime import GanLabError, expect_tensor

N_STD = 3.0  # a point within 3 standard deviations of a centre belongs to that mode
COVER_FRACTION = 0.2  # a mode is covered with at least this fraction of its fair share n / K of the points


@dataclass
class MixtureScore:
    """What one set of generated points achieves on a mixture."""

    modes_covered: int  # out of mixture.n_modes
    hq_share: float  # share of points within N_STD standard deviations of some mode
    counts: list[int]  # points belonging to each mode, in the order of mixture.centres


def assign_modes(points: torch.Tensor, mixture: Mixture, n_std: float = N_STD) -> torch.Tensor:
    """The mode each point (N, 2) belongs to, (N,) long, or -1 when it is farther than ``n_std`` std from all."""
    expect_tensor("points", points, "(N, 2), points in the plane", (2,))
    if points.shape[0] < 1 or points.shape[1] != 2:
        raise GanLabError(f"expected points of shape (N, 2) with N >= 1, got {tuple(points.shape)}")
    dist = torch.cdist(points.float(), mixture.centres.float())  # (N, K)
    nearest_dist, nearest = dist.min(dim=1)
    return torch.where(nearest_dist <= n_std * mixture.std, nearest, torch.full_like(nearest, -1))


def score_points(points: torch.Tensor, mixture: Mixture, cover_fraction: float = COVER_FRACTION) -> MixtureScore:
    """Modes covered, high-quality share and per-mode counts of ``points`` (N, 2)."""
    modes = assign_modes(points, mixture)
    counts = torch.bincount(modes[modes >= 0], minlength=mixture.n_modes)  # (K,)
    threshold = cover_fraction * points.shape[0] / mixture.n_modes
    return MixtureScore(
        modes_covered=int((counts >= threshold).sum()),
        hq_share=float((modes >= 0).float().mean()),
        counts=counts.tolist(),
    )


def modes_reached(points: torch.Tensor, mixture: Mixture, cover_fraction: float = COVER_FRACTION) -> int:
    r"""Modes that are the *nearest* mode of at least ``cover_fraction * n / K`` of the points, however far away.

    A mode reached but not covered is missed by imprecision (points circle it outside $3\sigma$), a mode not
    reached is dropped: no share of the generator's mass is even headed for it.
    """
    expect_tensor("points", points, "(N, 2), points in the plane", (2,))
    nearest = torch.cdist(points.float(), mixture.centres.float()).argmin(dim=1)  # (N,)
    counts = torch.bincount(nearest, minlength=mixture.n_modes)  # (K,)
    return int((counts >= cover_fraction * points.shape[0] / mixture.n_modes).sum())
