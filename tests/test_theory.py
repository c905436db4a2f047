"""gan_lab.theory against trusted references: scipy's integrals, distributions, divergences, optimiser."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate, optimize, stats
from scipy.spatial.distance import jensenshannon

from gan_lab import losses, theory

X = np.linspace(-15.0, 15.0, 30_001)  # covers every density below to far beyond 1e-12 of its mass
DATA = theory.GaussianMixture1D(means=(-2.0, 2.0), stds=(0.6, 0.6))
MODEL = theory.GaussianMixture1D(means=(0.5,), stds=(1.5,))


def quad(f, points: tuple[float, ...] = (-2.0, 0.5, 2.0)) -> float:
    return integrate.quad(f, -15.0, 15.0, limit=400, points=list(points), epsabs=1e-13, epsrel=1e-12)[0]


def test_mixture_pdf_matches_scipy_and_integrates_to_one() -> None:
    mix = theory.GaussianMixture1D(means=(-1.0, 3.0), stds=(0.5, 2.0), weights=(0.3, 0.7))
    x = np.linspace(-5, 8, 101)
    expected = 0.3 * stats.norm.pdf(x, -1.0, 0.5) + 0.7 * stats.norm.pdf(x, 3.0, 2.0)
    np.testing.assert_allclose(mix.pdf(x), expected, rtol=1e-12)
    total = sum(
        integrate.quad(lambda t: float(mix.pdf(t)), a, b, epsabs=1e-13)[0]
        for a, b in ((-np.inf, -1.0), (-1.0, 3.0), (3.0, np.inf))
    )
    assert total == pytest.approx(1.0, abs=1e-10)


def test_mixture_samples_have_the_right_moments() -> None:
    samples = DATA.sample(200_000, np.random.default_rng(0))
    assert samples.shape == (200_000,)
    # mean 0, variance 0.6^2 + 2^2 = 4.36; tolerances are about 5 standard errors
    assert samples.mean() == pytest.approx(0.0, abs=0.025)
    assert samples.var() == pytest.approx(4.36, rel=0.01)


@pytest.mark.parametrize(
    "bad",
    [
        dict(means=(0.0,), stds=(0.0,)),
        dict(means=(0.0, 1.0), stds=(1.0,)),
        dict(means=(0.0,), stds=(1.0,), weights=(0.5,)),
    ],
)
def test_mixture_rejects_bad_parameters(bad: dict) -> None:
    with pytest.raises(ValueError):
        theory.GaussianMixture1D(**bad)


@pytest.mark.parametrize(("a", "b"), [(0.3, 0.7), (2.0, 0.1), (1e-3, 5.0), (1.0, 1.0)])
def test_optimal_discriminator_maximises_a_log_y_plus_b_log_one_minus_y(a: float, b: float) -> None:
    best = optimize.minimize_scalar(
        lambda y: -(a * math.log(y) + b * math.log(1 - y)),
        bounds=(1e-9, 1 - 1e-9),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert theory.optimal_discriminator(np.array([a]), np.array([b]))[0] == pytest.approx(best.x, abs=1e-6)


def test_optimal_discriminator_is_one_half_where_both_densities_vanish() -> None:
    d = theory.optimal_discriminator(np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 2.0]))
    np.testing.assert_array_equal(d, [0.5, 1.0, 0.0])


def test_value_function_matches_quad() -> None:
    d = 1.0 / (1.0 + np.exp(-X))  # an arbitrary discriminator, the sigmoid of x
    ours = theory.value_function(X, DATA.pdf(X), MODEL.pdf(X), d)

    def integrand(t: float) -> float:
        dt = 1.0 / (1.0 + math.exp(-t))
        return float(DATA.pdf(t)) * math.log(dt) + float(MODEL.pdf(t)) * math.log(1.0 - dt)

    assert ours == pytest.approx(quad(integrand), abs=1e-8)


def test_no_discriminator_beats_the_optimal_one() -> None:
    p_data, p_g = DATA.pdf(X), MODEL.pdf(X)
    best = theory.virtual_training_criterion(X, p_data, p_g)
    rng = np.random.default_rng(1)
    d_star = theory.optimal_discriminator(p_data, p_g)
    for _ in range(20):
        d = np.clip(d_star + 0.05 * rng.standard_normal(X.shape), 1e-6, 1 - 1e-6)
        assert theory.value_function(X, p_data, p_g, d) < best


def test_kl_matches_the_closed_form_for_two_normals() -> None:
    m1, s1, m2, s2 = 0.3, 0.8, -1.0, 1.7
    p, q = stats.norm.pdf(X, m1, s1), stats.norm.pdf(X, m2, s2)
    closed = math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    assert theory.kl_divergence(X, p, q) == pytest.approx(closed, abs=1e-9)
    assert theory.kl_divergence(X, p, p) == pytest.approx(0.0, abs=1e-12)


def test_kl_is_infinite_outside_the_support() -> None:
    x = np.linspace(0, 1, 11)
    assert theory.kl_divergence(x, np.ones(11), np.r_[np.zeros(1), np.ones(10)]) == math.inf


def test_jsd_matches_quad_and_scipy_jensenshannon() -> None:
    p, q = DATA.pdf(X), MODEL.pdf(X)
    ours = theory.js_divergence(X, p, q)

    def integrand_ref(t: float) -> float:
        pt, qt = float(DATA.pdf(t)), float(MODEL.pdf(t))
        mt = 0.5 * (pt + qt)
        return 0.5 * (pt * math.log(pt / mt) if pt > 0 else 0.0) + 0.5 * (qt * math.log(qt / mt) if qt > 0 else 0.0)

    assert ours == pytest.approx(quad(integrand_ref), abs=1e-9)
    dx = X[1] - X[0]
    # scipy's jensenshannon works on discrete distributions and returns the square root of the JSD
    assert ours == pytest.approx(jensenshannon(p * dx, q * dx) ** 2, abs=1e-9)
    assert 0.0 < ours < math.log(2.0)


def test_jsd_bounds() -> None:
    p = DATA.pdf(X)
    far = theory.GaussianMixture1D(means=(14.0,), stds=(0.05,)).pdf(X)
    assert theory.js_divergence(X, p, p) == pytest.approx(0.0, abs=1e-12)
    assert theory.js_divergence(X, p, far) == pytest.approx(math.log(2.0), abs=1e-9)


@pytest.mark.parametrize("shift", [-3.0, 0.0, 0.7, 2.0, 6.0])
def test_theorem_1_c_of_g_is_minus_log_4_plus_twice_the_jsd(shift: float) -> None:
    p_data = DATA.pdf(X)
    p_g = theory.GaussianMixture1D(means=(-2.0 + shift, 2.0 + shift), stds=(0.6, 0.9)).pdf(X)
    lhs = theory.virtual_training_criterion(X, p_data, p_g)
    rhs = -math.log(4.0) + 2.0 * theory.js_divergence(X, p_data, p_g)
    assert lhs == pytest.approx(rhs, abs=1e-10)


def test_global_minimum_is_minus_log_4_at_p_g_equal_p_data() -> None:
    p = DATA.pdf(X)
    assert theory.virtual_training_criterion(X, p, p) == pytest.approx(-math.log(4.0), abs=1e-10)
    np.testing.assert_allclose(theory.optimal_discriminator(p, p), 0.5)


def test_logit_gradients_match_autograd_of_the_package_losses() -> None:
    logits = torch.linspace(-12.0, 12.0, 97, dtype=torch.float64, requires_grad=True)
    d = torch.sigmoid(logits).detach().numpy()
    sat, ns = theory.generator_logit_gradients(d)
    for loss_fn, expected in ((losses.generator_loss_saturating, sat), (losses.generator_loss_non_saturating, ns)):
        (grad,) = torch.autograd.grad(loss_fn(logits) * logits.numel(), logits)  # undo the batch mean
        np.testing.assert_allclose(grad.numpy(), expected, atol=1e-12)
