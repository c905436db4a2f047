"""gan_lab.latent against trusted references: scipy's quaternion slerp and plain geometry."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation, Slerp

from gan_lab import latent


def unit(v: torch.Tensor) -> torch.Tensor:
    return v / v.norm()


def test_lerp_endpoints_and_midpoint() -> None:
    z0, z1 = (
        torch.randn(8, generator=torch.Generator().manual_seed(0)),
        torch.randn(8, generator=torch.Generator().manual_seed(1)),
    )
    path = latent.lerp(z0, z1, [0.0, 0.5, 1.0])
    assert path.shape == (3, 8)
    torch.testing.assert_close(path[0], z0)
    torch.testing.assert_close(path[1], (z0 + z1) / 2)
    torch.testing.assert_close(path[2], z1)


def test_slerp_matches_scipy_quaternion_slerp() -> None:
    # unit quaternions with a positive dot product: scipy's rotation slerp then follows the same arc
    rng = np.random.default_rng(0)
    for _ in range(10):
        q0, q1 = (v / np.linalg.norm(v) for v in rng.standard_normal((2, 4)))
        if q0 @ q1 < 0:
            q1 = -q1
        t = np.linspace(0.0, 1.0, 11)
        ref = Slerp([0.0, 1.0], Rotation.from_quat([q0, q1]))(t).as_quat()  # (11, 4), sign is arbitrary
        ours = latent.slerp(torch.tensor(q0), torch.tensor(q1), torch.tensor(t)).numpy()
        signs = np.sign(np.sum(ref * ours, axis=1, keepdims=True))
        np.testing.assert_allclose(ours, ref * signs, atol=1e-9)


def test_slerp_keeps_unit_norm_and_moves_at_constant_angle() -> None:
    g = torch.Generator().manual_seed(2)
    z0, z1 = (
        unit(torch.randn(100, generator=g, dtype=torch.float64)),
        unit(torch.randn(100, generator=g, dtype=torch.float64)),
    )
    omega = math.acos(float(z0 @ z1))
    t = torch.linspace(0, 1, 9, dtype=torch.float64)
    path = latent.slerp(z0, z1, t)
    torch.testing.assert_close(path.norm(dim=1), torch.ones(9, dtype=torch.float64))
    angles = torch.arccos((path @ z0).clamp(-1, 1))
    torch.testing.assert_close(angles, t * omega)


def test_slerp_midpoint_norm_versus_lerp_for_gaussian_latents() -> None:
    # two independent N(0, I_d) draws: lerp's midpoint has norm about sqrt(d / 2), slerp's about sqrt(d)
    d = 10_000
    g = torch.Generator().manual_seed(3)
    z0, z1 = torch.randn(d, generator=g, dtype=torch.float64), torch.randn(d, generator=g, dtype=torch.float64)
    assert float(latent.lerp(z0, z1, 0.5).norm()) == pytest.approx(math.sqrt(d / 2), rel=0.03)
    assert float(latent.slerp(z0, z1, 0.5).norm()) == pytest.approx(math.sqrt(d), rel=0.03)


def test_slerp_falls_back_to_lerp_for_parallel_vectors_and_rejects_opposite_ones() -> None:
    z = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    torch.testing.assert_close(latent.slerp(z, 2 * z, [0.0, 0.5, 1.0]), latent.lerp(z, 2 * z, [0.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match="opposite"):
        latent.slerp(z, -z, 0.5)


@pytest.mark.parametrize("method", ["slerp", "lerp"])
def test_interpolate_endpoints(method: str) -> None:
    g = torch.Generator().manual_seed(4)
    z0, z1 = torch.randn(16, generator=g), torch.randn(16, generator=g)
    path = latent.interpolate(z0, z1, 7, method)
    assert path.shape == (7, 16)
    torch.testing.assert_close(path[0], z0, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(path[-1], z1, atol=1e-5, rtol=1e-5)


def test_interpolate_rejects_bad_arguments() -> None:
    z = torch.randn(4)
    with pytest.raises(ValueError):
        latent.interpolate(z, z + 1, 1)
    with pytest.raises(ValueError):
        latent.interpolate(z, z + 1, 5, "cubic")


def test_attribute_vector_is_difference_of_group_means() -> None:
    z = torch.arange(12, dtype=torch.float64).reshape(6, 2)  # rows (0,1), (2,3), ..., (10,11)
    scores = torch.tensor([5.0, 0.0, 4.0, 1.0, 3.0, 2.0])  # top 2: rows 0, 2; bottom 2: rows 1, 3
    expected = z[[0, 2]].mean(0) - z[[1, 3]].mean(0)
    torch.testing.assert_close(latent.attribute_vector(z, scores, 2), expected)
    with pytest.raises(ValueError):
        latent.attribute_vector(z, scores, 4)
    with pytest.raises(ValueError):
        latent.attribute_vector(z, scores[:5], 2)


def test_untruncated_noise_is_exactly_torch_randn() -> None:
    # the reference results were made with torch.randn: truncation 0 must reproduce them bit for bit
    expected = torch.randn(50, 100, generator=torch.Generator().manual_seed(3))
    assert torch.equal(latent.sample_noise(50, 100, seed=3), expected)


@pytest.mark.parametrize("t", [0.25, 1.0, 2.0])
def test_truncated_noise_matches_scipy_truncnorm(t: float) -> None:
    from scipy.stats import kstest, truncnorm

    z = latent.sample_noise(4000, 50, seed=0, truncation=t)
    assert z.shape == (4000, 50) and z.dtype == torch.float32
    assert z.abs().max() <= t
    sample = z.flatten().double().numpy()
    assert abs(sample.std() - truncnorm.std(-t, t)) < 0.01 * truncnorm.std(-t, t)
    # Kolmogorov-Smirnov against scipy's truncated normal (200,000 draws: a wrong law fails clearly)
    assert kstest(sample, truncnorm(-t, t).cdf).pvalue > 1e-3
    assert torch.equal(z, latent.sample_noise(4000, 50, seed=0, truncation=t)), "same seed, same noise"


@pytest.mark.parametrize("bad", [-1.0, float("nan")])
def test_truncation_must_be_zero_or_positive(bad: float) -> None:
    from gan_lab.runtime import GanLabError

    with pytest.raises(GanLabError, match="--truncation must be 0"):
        latent.sample_noise(4, 10, seed=0, truncation=bad)
