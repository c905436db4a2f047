r"""The original GAN game on 1-D densities: the optimal discriminator, the value function, the JSD.

Chapter 2 of the book derives these results and checks them numerically with this module.

References:
- Goodfellow et al. 2014, "Generative Adversarial Nets", Proposition 1 (the optimal discriminator)
  and Theorem 1 (the virtual training criterion $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_{data} \| p_g)$).
- Lin 1991, "Divergence measures based on the Shannon entropy" (the Jensen-Shannon divergence).
- Arjovsky & Bottou 2017, "Towards Principled Methods for Training Generative Adversarial Networks"
  (why the JSD saturates at $\log 2$ when the two densities barely overlap).

Densities are given as values on a 1-D grid ``x`` (increasing); integrals over $x$ use the trapezoid
rule on that grid, so a grid that covers the mass of both densities finely (a few thousand points
over $\pm 10$ standard deviations) gives about ten correct digits. Logarithms are natural (nats).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import xlogy

from gan_lab.errors import GanLabError, GanLabTypeError, describe, expect_int

__all__ = [
    "GaussianMixture1D",
    "generator_logit_gradients",
    "js_divergence",
    "kl_divergence",
    "optimal_discriminator",
    "value_function",
    "virtual_training_criterion",
]


@dataclass(frozen=True)
class GaussianMixture1D:
    r"""A mixture of 1-D normal densities, $p(x) = \sum_k w_k\, \mathcal{N}(x; \mu_k, s_k^2)$."""

    means: tuple[float, ...]
    stds: tuple[float, ...]
    weights: tuple[float, ...] | None = None  # None: equal weights

    def __post_init__(self) -> None:
        if len(self.means) != len(self.stds) or not self.means:
            raise GanLabError(
                f"expected means and stds non-empty and of the same length, got {len(self.means)} and {len(self.stds)}"
            )
        if any(not s > 0 for s in self.stds):
            raise GanLabError(f"expected every standard deviation > 0, got stds {self.stds}")
        w = self._w()
        if len(w) != len(self.means) or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
            raise GanLabError(
                f"expected weights >= 0, one per component ({len(self.means)}), summing to 1, got {self.weights}"
            )

    def _w(self) -> np.ndarray:
        k = len(self.means)
        return np.full(k, 1.0 / k) if self.weights is None else np.asarray(self.weights, dtype=np.float64)

    def pdf(self, x: np.ndarray) -> np.ndarray:
        r"""$p(x)$ at every point of ``x`` (any shape)."""
        x = np.asarray(x, dtype=np.float64)[..., None]  # (..., 1) against (K,)
        mu, s = np.asarray(self.means), np.asarray(self.stds)
        normal = np.exp(-0.5 * ((x - mu) / s) ** 2) / (s * np.sqrt(2.0 * np.pi))
        return normal @ self._w()

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` independent draws, shape (n,): pick a component by weight, then draw from it."""
        expect_int("n", n, minimum=0)
        if not isinstance(rng, np.random.Generator):
            raise GanLabTypeError(f"expected rng as a numpy Generator (np.random.default_rng(0)), got {describe(rng)}")
        k = rng.choice(len(self.means), size=n, p=self._w())
        return rng.normal(np.asarray(self.means)[k], np.asarray(self.stds)[k])


def _on_grid(x: np.ndarray | None = None, **values: np.ndarray) -> list[np.ndarray]:
    """``values`` as float64 arrays of one shape (that of the grid ``x``: 1-D, increasing), finite and >= 0."""
    arrays = []
    if x is not None:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 1 or len(x) < 2 or not np.all(np.diff(x) > 0):
            raise GanLabError(f"expected x as an increasing 1-D grid of 2 or more points, got shape {x.shape}")
    for name, v in values.items():
        try:
            v = np.asarray(v, dtype=np.float64)
        except (TypeError, ValueError):
            raise GanLabTypeError(f"expected {name} as an array of numbers, got {describe(v)}") from None
        shape = x.shape if x is not None else arrays[0].shape if arrays else v.shape
        if v.shape != shape:
            raise GanLabError(f"expected {name} of shape {shape} (one value per grid point), got {v.shape}")
        if not np.all(np.isfinite(v)) or np.any(v < 0):
            raise GanLabError(f"expected {name} finite and >= 0 (a density or a probability), got min {np.min(v)}")
        arrays.append(v)
    return arrays


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    r"""The discriminator that maximises $V(D, G)$ for a fixed generator (Goodfellow et al., Prop. 1).

    $$D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}$$

    Where both densities are 0 the value of $D$ does not enter $V$; it is set to $\tfrac12$ there.
    """
    p_data, p_g = _on_grid(p_data=p_data, p_g=p_g)
    total = p_data + p_g
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)


def value_function(x: np.ndarray, p_data: np.ndarray, p_g: np.ndarray, d: np.ndarray) -> float:
    r"""The value function written as one integral over $x$ (Goodfellow et al., eq. 1 and 3).

    $$V(D, G) = \int p_{data}(x) \log D(x) + p_g(x) \log\big(1 - D(x)\big)\, dx$$

    ``p_data``, ``p_g`` and ``d`` are values on the grid ``x``; $0 \log 0$ counts as 0.
    """
    p_data, p_g, d = _on_grid(x, p_data=p_data, p_g=p_g, d=d)
    if np.any(d > 1):
        raise GanLabError(f"expected d in [0, 1] (a probability, not a logit), got values up to {np.max(d):.3g}")
    integrand = xlogy(p_data, d) + xlogy(p_g, 1.0 - d)
    return float(np.trapezoid(integrand, x))


def kl_divergence(x: np.ndarray, p: np.ndarray, q: np.ndarray) -> float:
    r"""Kullback-Leibler divergence in nats.

    $$\mathrm{KL}(p \| q) = \int p(x) \log \frac{p(x)}{q(x)}\, dx$$

    Infinite when $p > 0$ somewhere $q = 0$.
    """
    p, q = _on_grid(x, p=p, q=q)
    if np.any((p > 0) & (q <= 0)):
        return float("inf")
    ratio = np.divide(p, q, out=np.ones_like(p), where=p > 0)
    return float(np.trapezoid(xlogy(p, ratio), x))


def js_divergence(x: np.ndarray, p: np.ndarray, q: np.ndarray) -> float:
    r"""Jensen-Shannon divergence in nats, between 0 (equal densities) and $\log 2$ (disjoint ones).

    $$\mathrm{JSD}(p \| q) = \tfrac12 \mathrm{KL}\big(p \,\|\, m\big) + \tfrac12 \mathrm{KL}\big(q \,\|\, m\big),
    \qquad m = \tfrac12 (p + q)$$
    """
    p, q = _on_grid(x, p=p, q=q)
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(x, p, m) + 0.5 * kl_divergence(x, q, m)


def virtual_training_criterion(x: np.ndarray, p_data: np.ndarray, p_g: np.ndarray) -> float:
    r"""$C(G) = \max_D V(D, G) = V(D^*, G)$, computed from the value function, not from the JSD.

    $$C(G) = \int p_{data}(x) \log \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}
    + p_g(x) \log \frac{p_g(x)}{p_{data}(x) + p_g(x)}\, dx$$

    $1 - D^*$ is computed as $p_g / (p_{data} + p_g)$ rather than by subtraction, which would round
    to 0 where $p_g \ll p_{data}$ and turn a negligible term into $0 \cdot \log 0$ with $p_g > 0$.
    Theorem 1 of Goodfellow et al. says $C(G) = -\log 4 + 2\, \mathrm{JSD}(p_{data} \| p_g)$;
    computing both sides independently is the numerical check of chapter 2.
    """
    p_data, p_g = _on_grid(x, p_data=p_data, p_g=p_g)
    total = p_data + p_g
    d_star = optimal_discriminator(p_data, p_g)
    one_minus_d_star = np.divide(p_g, total, out=np.full_like(total, 0.5), where=total > 0)
    integrand = xlogy(p_data, d_star) + xlogy(p_g, one_minus_d_star)
    return float(np.trapezoid(integrand, x))


def generator_logit_gradients(d_fake: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Derivatives of the two generator losses of one fake sample with respect to its logit $\ell$.

    With $D = \sigma(\ell)$ and $\sigma'(\ell) = \sigma(\ell)(1 - \sigma(\ell))$:

    $$\frac{\partial}{\partial \ell} \log\big(1 - \sigma(\ell)\big) = -\sigma(\ell) = -D
    \qquad \text{(saturating)}$$

    $$\frac{\partial}{\partial \ell} \Big(-\log \sigma(\ell)\Big) = \sigma(\ell) - 1 = D - 1
    \qquad \text{(non-saturating)}$$

    Returns ``(saturating, non_saturating)`` evaluated at ``d_fake`` $= D(G(z))$.
    """
    (d,) = _on_grid(d_fake=d_fake)
    if np.any(d > 1):
        raise GanLabError(
            f"expected d_fake = D(G(z)) in [0, 1] (a probability, not a logit), got up to {np.max(d):.3g}"
        )
    return -d, d - 1.0
