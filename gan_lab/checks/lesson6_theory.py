r"""Checks of lesson 6, theory: the optimal discriminator D*, the Jensen-Shannon divergence and the value
V(D*, G) = -log 4 + 2 JSD (Goodfellow et al. 2014, Proposition 1 and Theorem 1).

References are computed here with numpy and scipy (``scipy.spatial.distance.jensenshannon``,
Gaussian densities in closed form), independently of any course code.
"""

from __future__ import annotations

import math

import numpy as np

from gan_lab.checks._guard import ORIGINALS, call, expect, fail, verify_untouched

jensenshannon = ORIGINALS[("scipy.spatial.distance", "jensenshannon")]  # the original, whatever a cell patched


class norm:
    @staticmethod
    def pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
        return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


def _densities(hidden: bool) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Pairs (p_data, p_g) on a grid of step dx: two Gaussians, a Gaussian and a mixture, and a discrete pair."""
    x = np.linspace(-8, 8, 801)
    dx = float(x[1] - x[0])
    if hidden:
        pairs = [
            (norm.pdf(x, 1.5, 0.5), norm.pdf(x, -1, 2)),
            (norm.pdf(x, 0, 1), 0.3 * norm.pdf(x, -2, 0.5) + 0.7 * norm.pdf(x, 2, 1)),
        ]
        discrete = (np.array([0.05, 0.5, 0.2, 0.25]), np.array([0.4, 0.1, 0.3, 0.2]))
    else:
        pairs = [(norm.pdf(x, 0, 1), norm.pdf(x, 1, 1)), (norm.pdf(x, -1, 1), norm.pdf(x, 2, 1.5))]
        discrete = (np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.25, 0.25, 0.25, 0.25]))
    return [(p, q, dx) for p, q in pairs] + [(*discrete, 1.0)]


def check_optimal_discriminator(optimal_discriminator, hidden: bool = False) -> None:
    """optimal_discriminator(p_data, p_g) = p_data / (p_data + p_g), element-wise."""
    verify_untouched()
    ex = "optimal_discriminator"
    for p, q, dx in _densities(hidden):
        d = np.asarray(call(ex, optimal_discriminator, p.copy(), q.copy()), dtype=np.float64)
        ref = p / (p + q)
        expect(d.shape == p.shape, ex, f"shape {d.shape}, expected {p.shape}", "compute element-wise on the arrays")
        if not np.allclose(d, ref, rtol=1e-6, atol=1e-12) and np.allclose(d, 1 - ref, atol=1e-9):
            raise fail(
                ex,
                "you returned p_g / (p_data + p_g) = 1 - D*: D*(x) is the probability that x is real",
                "D*(x) = p_data(x) / (p_data(x) + p_g(x))",
            )
        if np.allclose(d, p / q, rtol=1e-6):
            raise fail(
                ex,
                "you returned the density ratio p_data / p_g, which is not a probability",
                "D*(x) = p_data(x) / (p_data(x) + p_g(x))",
            )
        expect(
            np.allclose(d, ref, rtol=1e-6, atol=1e-12),
            ex,
            "D* differs from p_data / (p_data + p_g)",
            "D*(x) = p_data(x) / (p_data(x) + p_g(x))",
        )
        # numerically: D* maximises the integrand p log D + q log(1 - D) at every x
        value = np.sum(p * np.log(d) + q * np.log1p(-d)) * dx
        for eps in (0.02, -0.02):
            other = np.clip(d + eps, 1e-12, 1 - 1e-12)
            expect(
                value >= np.sum(p * np.log(other) + q * np.log1p(-other)) * dx,
                ex,
                "a nudged discriminator scores higher than yours",
                "D*(x) = p_data(x) / (p_data(x) + p_g(x))",
            )
    equal = np.asarray(call(ex, optimal_discriminator, np.full(5, 0.2), np.full(5, 0.2)))
    expect(
        np.allclose(equal, 0.5),
        ex,
        "when p_g = p_data, D* must be 1/2 everywhere",
        "D*(x) = p_data(x) / (p_data(x) + p_g(x))",
    )


def _distribution_pairs(seed: int, sizes: tuple[int, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    """A fixed pair of distributions, then one random (Dirichlet) pair per size in ``sizes``."""
    rng = np.random.default_rng(seed)
    cases = [(np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.25, 0.25, 0.25, 0.25]))]
    return cases + [(rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))) for k in sizes]


def check_jsd(jsd, hidden: bool = False) -> None:
    """jsd(p, q) for probability vectors, natural log; 0 log 0 counts as 0. Reference: scipy's jensenshannon squared."""
    verify_untouched()
    ex = "jsd"
    cases = _distribution_pairs(23 if hidden else 5, (3, 50) if hidden else (6, 20))
    cases.append((np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.5, 0.5])))  # zeros: 0 log 0 = 0
    for p, q in cases:
        got = float(call(ex, jsd, p.copy(), q.copy()))
        ref = float(jensenshannon(p, q) ** 2)
        m = (p + q) / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            kl_pq = float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
        if math.isclose(got, ref, rel_tol=1e-6, abs_tol=1e-12):
            continue
        if not np.isfinite(got):
            raise fail(
                ex,
                f"got {got} for distributions with zeros: 0 * log(0) was evaluated as nan",
                "count terms with p = 0 as 0 (np.where(p > 0, ...) or scipy.special.xlogy)",
            )
        if math.isclose(got, ref / math.log(2), rel_tol=1e-6) and ref > 0:
            raise fail(
                ex,
                "the result is in bits: log base 2 was used; the GAN identity -log 4 + 2 JSD is in nats",
                "use the natural log (np.log)",
            )
        if np.isfinite(kl_pq) and math.isclose(got, kl_pq, rel_tol=1e-6):
            raise fail(
                ex,
                "that is KL(p || q), not the Jensen-Shannon divergence",
                "JSD = KL(p || m) / 2 + KL(q || m) / 2 with m = (p + q) / 2",
            )
        if ref > 0 and math.isclose(got, ref - math.log(2), rel_tol=1e-6, abs_tol=1e-12):
            raise fail(
                ex,
                "the mixture was not halved: m = p + q instead of (p + q) / 2 (every KL term is off by log 2)",
                "m = (p + q) / 2",
            )
        if ref > 0 and math.isclose(got, math.sqrt(ref), rel_tol=1e-6):
            raise fail(
                ex,
                "the square root of the JSD: scipy.spatial.distance.jensenshannon returns that distance, not the "
                "divergence",
                "return the divergence itself, 0.5 * KL(p || m) + 0.5 * KL(q || m)",
            )
        if math.isclose(got, 2 * ref, rel_tol=1e-6) and ref > 0:
            raise fail(ex, "twice the JSD: the 1/2 factors are missing", "JSD = 0.5 * KL(p || m) + 0.5 * KL(q || m)")
        expect(
            math.isclose(got, ref, rel_tol=1e-6, abs_tol=1e-12),
            ex,
            f"got {got:.6f}, expected {ref:.6f} (m = {np.round(m, 3)})",
            "JSD = 0.5 * KL(p || m) + 0.5 * KL(q || m), m = (p + q) / 2, natural log",
        )
    expect(
        abs(float(call(ex, jsd, cases[1][0], cases[1][0]))) < 1e-12,
        ex,
        "JSD(p, p) is not 0",
        "JSD = 0.5 KL(p || m) + 0.5 KL(q || m)",
    )


def check_value_at_optimum(value_at_optimum, hidden: bool = False) -> None:
    """value_at_optimum(p_data, p_g) = sum p_data log D* + sum p_g log(1 - D*) = -log 4 + 2 JSD(p_data, p_g)."""
    verify_untouched()
    ex = "value_at_optimum"
    cases = _distribution_pairs(29 if hidden else 8, (4, 30) if hidden else (5, 12))
    cases.append((np.full(6, 1 / 6), np.full(6, 1 / 6)))
    for p, q in cases:
        got = float(call(ex, value_at_optimum, p.copy(), q.copy()))
        d = p / (p + q)
        ref = -math.log(4) + 2 * float(jensenshannon(p, q) ** 2)
        if math.isclose(got, ref, rel_tol=1e-6, abs_tol=1e-12):
            continue
        if math.isclose(got, float(np.mean(np.log(d)) + np.mean(np.log1p(-d))), rel_tol=1e-6):
            raise fail(
                ex,
                "the logs were averaged over x instead of weighted by p_data and p_g: V is an expectation under each distribution",
                "V = sum(p_data * log(D*)) + sum(p_g * log(1 - D*))",
            )
        if math.isclose(got, ref + 2 * math.log(4), rel_tol=1e-6):
            raise fail(ex, "+log 4 where the identity has -log 4", "V(D*, G) = -log 4 + 2 JSD, which is <= 0")
        if math.isclose(got, -ref, rel_tol=1e-6):
            raise fail(ex, "the sign is flipped", "V = sum(p_data * log(D*)) + sum(p_g * log(1 - D*)), which is <= 0")
        expect(
            math.isclose(got, ref, rel_tol=1e-6, abs_tol=1e-12),
            ex,
            f"got {got:.6f}, expected -log 4 + 2 JSD = {ref:.6f}",
            "V = sum(p_data * log(D*)) + sum(p_g * log(1 - D*)) with D* = p_data / (p_data + p_g)",
        )
    expect(
        math.isclose(got, -math.log(4), rel_tol=1e-9),
        ex,
        "with p_g = p_data the value must be -log 4",
        "V = sum(p_data * log(D*)) + sum(p_g * log(1 - D*))",
    )


CHECKS = {
    "optimal_discriminator": check_optimal_discriminator,
    "jsd": check_jsd,
    "value_at_optimum": check_value_at_optimum,
}
