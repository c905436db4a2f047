r"""Walking the latent space: linear and spherical interpolation, and attribute vectors.

References:
- Shoemake 1985, "Animating Rotation with Quaternion Curves" (spherical linear interpolation, slerp).
- White 2016, "Sampling Generative Networks" (slerp for GAN latent vectors; attribute vectors).
- Radford et al. 2015, "Unsupervised Representation Learning with DCGANs", section 6 (walking the
  latent space; vector arithmetic on averaged latent vectors).
- Brock et al. 2019, "Large Scale GAN Training for High Fidelity Natural Image Synthesis" (BigGAN),
  section 3.1 (the truncation trick: z from a truncated normal trades variety for fidelity).

Why slerp: for $z \sim \mathcal{N}(0, I_d)$ the norm $\|z\|$ concentrates around $\sqrt{d}$, and two
independent draws are almost orthogonal. The straight line between them passes through points of
norm about $\sqrt{d/2}$ at its middle, a region the generator almost never saw in training; the
great-circle arc keeps the norm between the two end norms.
"""

from __future__ import annotations

import torch

from gan_lab.runtime import GanLabError, GanLabTypeError, describe, expect_int, expect_tensor

# the --truncation flag of 'gan-lab sample' and 'gan-lab evaluate'
TRUNCATION_HELP = "draw z from N(0, I) truncated to [-T, T] per coordinate (Brock et al. 2019); 0: off"

__all__ = ["attribute_vector", "interpolate", "lerp", "sample_noise", "slerp"]


def sample_noise(n: int, latent_dim: int, seed: int | torch.Generator, truncation: float = 0.0) -> torch.Tensor:
    r"""``n`` latent vectors (n, latent_dim) from their own seeded CPU generator (the same on every device).

    ``seed`` is an int, or a CPU ``torch.Generator`` whose stream the draw continues (for several
    batches, or noise and a permutation, from one seeded stream).

    ``truncation`` 0 draws $z \sim \mathcal{N}(0, I)$, exactly ``torch.randn`` with that seed. A
    threshold $t > 0$ draws every coordinate from the standard normal truncated to $[-t, t]$ (Brock et
    al. 2019), by inverting its distribution function, with $\Phi$ the standard normal CDF and
    $u \sim \mathcal{U}(0, 1)$:

    $$z_i = \Phi^{-1}\big(\Phi(-t) + u\,(\Phi(t) - \Phi(-t))\big)$$

    which equals resampling every $|z_i| > t$ until none is left, without the loop. Smaller $t$ keeps
    $z$ nearer the mode of the prior. For the class-conditional BigGAN that made samples cleaner and
    less varied; for this course's unconditional generators it was measured to lower the Inception
    Score at every threshold, because the class itself is encoded in $z$ (see the book's evaluation
    chapter).
    """
    n, latent_dim = expect_int("n", n, minimum=0), expect_int("latent_dim", latent_dim)
    if not isinstance(seed, torch.Generator):
        try:
            seed = torch.Generator().manual_seed(expect_int("seed", seed, minimum=-(2**63)))
        except GanLabTypeError:
            raise GanLabTypeError(f"expected seed as an int or a CPU torch.Generator, got {describe(seed)}") from None
    elif seed.device.type != "cpu":
        raise GanLabError(f"expected a CPU torch.Generator (z is the same on every device), got one on {seed.device}")
    if not isinstance(truncation, (int, float)) or not truncation >= 0:  # also rejects NaN
        raise GanLabError(f"--truncation must be 0 (off) or a positive threshold such as 1.0, got {truncation}")
    rng = seed
    if truncation == 0:
        return torch.randn(n, latent_dim, generator=rng)
    t = torch.tensor(float(truncation), dtype=torch.float64)
    low, high = torch.special.ndtr(-t), torch.special.ndtr(t)
    u = torch.rand(n, latent_dim, generator=rng, dtype=torch.float64)
    return torch.special.ndtri(low + u * (high - low)).clamp(-t, t).float()  # clamp: rounding at the ends


def _as_steps(t: torch.Tensor | float | list[float], like: torch.Tensor) -> torch.Tensor:
    if not isinstance(t, (torch.Tensor, int, float, list, tuple)):
        raise GanLabTypeError(f"expected t as a number, a list of numbers or a tensor, got {describe(t)}")
    return torch.as_tensor(t, dtype=like.dtype, device=like.device).reshape(-1, 1)  # (T, 1)


def lerp(z0: torch.Tensor, z1: torch.Tensor, t: torch.Tensor | float | list[float]) -> torch.Tensor:
    r"""Linear interpolation, one row per value of ``t``: shape (T, d) for ``z0``, ``z1`` of shape (d,).

    $$\mathrm{lerp}(z_0, z_1; t) = (1 - t)\, z_0 + t\, z_1$$
    """
    _check_ends(z0, z1)
    t = _as_steps(t, z0)
    return (1.0 - t) * z0 + t * z1


def slerp(z0: torch.Tensor, z1: torch.Tensor, t: torch.Tensor | float | list[float], eps: float = 1e-6) -> torch.Tensor:
    r"""Spherical linear interpolation (Shoemake 1985), shape (T, d) for ``z0``, ``z1`` of shape (d,).

    With $\Omega$ the angle between the two vectors, $\cos \Omega = \frac{z_0 \cdot z_1}{\|z_0\| \|z_1\|}$:

    $$\mathrm{slerp}(z_0, z_1; t) = \frac{\sin\big((1 - t)\,\Omega\big)}{\sin \Omega}\, z_0
    + \frac{\sin(t\, \Omega)}{\sin \Omega}\, z_1$$

    For unit vectors the result stays on the unit sphere and makes the angle $t\,\Omega$ with $z_0$.
    When $\sin \Omega < $ ``eps`` (nearly parallel vectors) it falls back to :func:`lerp`, its limit;
    exactly opposite vectors have no unique arc and raise ``ValueError``.
    """
    _check_ends(z0, z1)
    t = _as_steps(t, z0)
    cos = torch.dot(z0, z1) / (z0.norm() * z1.norm())
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    sin = torch.sin(omega)
    if sin < eps:
        if cos < 0:
            raise GanLabError("slerp between opposite vectors is undefined: the great circle is not unique")
        return lerp(z0, z1, t)
    return (torch.sin((1.0 - t) * omega) / sin) * z0 + (torch.sin(t * omega) / sin) * z1


def _check_ends(z0: torch.Tensor, z1: torch.Tensor) -> None:
    """Two latent vectors of the same size d, shape (d,) each: the ends of a walk."""
    expect_tensor("z0", z0, "(d,), one latent vector", (1,))
    expect_tensor("z1", z1, "(d,), one latent vector", (1,))
    if z0.shape != z1.shape:
        raise GanLabError(f"expected z0 and z1 of the same shape (d,), got {tuple(z0.shape)} and {tuple(z1.shape)}")


def interpolate(z0: torch.Tensor, z1: torch.Tensor, steps: int, method: str = "slerp") -> torch.Tensor:
    """``steps`` latent vectors from ``z0`` to ``z1`` inclusive, shape (steps, d); ``method``: slerp or lerp."""
    expect_int("steps (the two ends included)", steps, minimum=2)
    _check_ends(z0, z1)
    t = torch.linspace(0.0, 1.0, steps, dtype=z0.dtype, device=z0.device)
    if method == "slerp":
        return slerp(z0, z1, t)
    if method == "lerp":
        return lerp(z0, z1, t)
    raise GanLabError(f"unknown method {method!r}: expected 'slerp' or 'lerp'")


def attribute_vector(z: torch.Tensor, scores: torch.Tensor, k: int) -> torch.Tensor:
    r"""Mean latent vector of the ``k`` highest-scoring samples minus that of the ``k`` lowest.

    For latent vectors $z_i$ (rows of ``z``, shape (N, d)) sorted by a score $s_i$ of the image
    $G(z_i)$ (e.g. its amount of ink), with $H$ the top ``k`` and $L$ the bottom ``k``:

    $$a = \frac{1}{k} \sum_{i \in H} z_i - \frac{1}{k} \sum_{i \in L} z_i$$

    Adding a multiple of $a$ to a new $z$ moves $G(z)$ towards more of the attribute (White 2016;
    Radford et al. 2015 average three exemplars per concept before doing the arithmetic).
    """
    expect_tensor("z", z, "(N, d)", (2,))
    expect_tensor("scores", scores, "(N,)", (1,), floating=False)
    if scores.shape != (z.shape[0],):
        raise GanLabError(
            f"expected z of shape (N, d) and scores of shape (N,), got {tuple(z.shape)} and {tuple(scores.shape)}"
        )
    if not isinstance(k, int) or not 1 <= k <= z.shape[0] // 2:
        raise GanLabError(f"k must be between 1 and N // 2 = {z.shape[0] // 2}, got {k}")
    order = torch.argsort(scores)
    return z[order[-k:]].mean(0) - z[order[:k]].mean(0)
