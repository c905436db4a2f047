r"""Mixtures of Gaussians in the plane: the data sets on which mode collapse can be seen and counted.

References:
- Metz et al. 2017, "Unrolled Generative Adversarial Networks", section 3.1: 8 Gaussians on a ring of
  radius 2, standard deviation 0.02.
- Srivastava et al. 2017, "VEEGAN", section 5.1: the ring and a 5 x 5 grid of Gaussians, and the two
  measures of ``gan_lab.lab2d.metrics`` (modes covered, share of high-quality samples).

Every mode has the same weight $1/K$ and the same isotropic standard deviation $\sigma$:
$p(x) = \frac{1}{K}\sum_k \mathcal{N}(x; \mu_k, \sigma^2 I)$.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from gan_lab.runtime import GanLabError


@dataclass(frozen=True)
class Mixture:
    """K equally weighted isotropic Gaussians in the plane."""

    name: str
    centres: torch.Tensor  # (K, 2)
    std: float
    extent: float  # half-width of the square the plots show, centred at the origin

    @property
    def n_modes(self) -> int:
        return self.centres.shape[0]

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` points, (n, 2): a uniformly chosen mode plus Gaussian noise of standard deviation ``std``."""
        k = torch.randint(self.n_modes, (n,), generator=generator)
        return self.centres[k] + self.std * torch.randn(n, 2, generator=generator)


def ring(n_modes: int = 8, radius: float = 2.0, std: float = 0.02) -> Mixture:
    """``n_modes`` Gaussians evenly spaced on a circle (Metz et al. 2017: 8, radius 2, std 0.02)."""
    angles = torch.arange(n_modes) * (2 * math.pi / n_modes)
    centres = radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)  # (K, 2)
    return Mixture("ring", centres, std, extent=radius * 1.6)


def grid(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> Mixture:
    """``side`` x ``side`` Gaussians on a square grid centred at the origin (5 x 5 at -4, -2, ..., 4)."""
    coords = (torch.arange(side) - (side - 1) / 2) * spacing
    centres = torch.cartesian_prod(coords, coords)  # (side * side, 2)
    return Mixture("grid", centres, std, extent=float(coords.max()) + spacing * 0.8)


MIXTURES = {"ring": ring, "grid": grid}


def make_mixture(name: str) -> Mixture:
    """The mixture called ``name`` with its default layout."""
    if name not in MIXTURES:
        raise GanLabError(f"unknown mixture {name!r}: expected one of {', '.join(MIXTURES)}")
    return MIXTURES[name]()
