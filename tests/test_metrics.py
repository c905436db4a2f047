"""gan_lab.metrics against trusted references: scipy's sqrtm, torchmetrics' FID, direct formulas,
and constructed cases whose answers are known."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg
import torch
from torch import nn

from gan_lab import metrics
from gan_lab.data import load_dataset
from gan_lab.models.classifier import MNISTClassifier


def _features(seed: int, n: int = 400, d: int = 12, shift: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mix = rng.normal(size=(d, d)) / math.sqrt(d)  # correlated features, like a real network's
    return rng.normal(size=(n, d)) @ mix + shift


def _fid_scipy(a: np.ndarray, b: np.ndarray) -> float:
    """The textbook formula with scipy's general matrix square root (Heusel et al.'s reference code does this)."""
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2)
    covmean = np.real(covmean)  # discard the tiny imaginary parts rounding produces
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


@pytest.mark.parametrize("shift", [0.0, 0.3, 2.0])
def test_frechet_distance_matches_scipy_sqrtm(shift: float) -> None:
    a, b = _features(0), _features(1, n=300, shift=shift)
    assert metrics.fid_from_features(a, b) == pytest.approx(_fid_scipy(a, b), rel=1e-7, abs=1e-9)


def test_frechet_distance_is_zero_for_identical_inputs_and_symmetric() -> None:
    a, b = _features(0), _features(1, shift=0.5)
    assert metrics.fid_from_features(a, a) == pytest.approx(0.0, abs=1e-9)
    assert metrics.fid_from_features(a, b) == pytest.approx(metrics.fid_from_features(b, a), rel=1e-9)
    # pure mean shift with equal covariances: d^2 = ||mu1 - mu2||^2 exactly
    mu, sigma = np.zeros(3), np.diag([1.0, 2.0, 3.0])
    assert metrics.frechet_distance(mu, sigma, mu + 2.0, sigma) == pytest.approx(12.0)


class _ClassifierFeatures(nn.Module):
    """The classifier's penultimate layer as a torchmetrics feature extractor."""

    num_features = 64

    def __init__(self, classifier: nn.Module) -> None:
        super().__init__()
        self.classifier = classifier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier.features(x)


def test_fid_matches_torchmetrics_with_the_same_feature_module() -> None:
    from torchmetrics.image.fid import FrechetInceptionDistance

    torch.manual_seed(0)
    classifier = MNISTClassifier().eval()
    real = load_dataset("sample", 28, split="heldout").images[:300]  # (300, 1, 28, 28) in [-1, 1]
    # "generated": the same digits, blurred and noisier, so the distance is clearly non-zero
    fake = torch.nn.functional.avg_pool2d(real, 3, 1, 1) + 0.2 * torch.randn_like(real)
    tm = FrechetInceptionDistance(feature=_ClassifierFeatures(classifier), normalize=True)
    tm.update(real, real=True)
    tm.update(fake, real=False)
    expected = float(tm.compute())
    with torch.no_grad():
        ours = metrics.fid_from_features(classifier.features(real), classifier.features(fake))
    assert expected > 0.01
    assert ours == pytest.approx(expected, rel=1e-6)  # measured: 5e-8 (torchmetrics works in float64 too)


def _mmd2_direct(x: np.ndarray, y: np.ndarray) -> float:
    """Binkowski et al.'s unbiased MMD^2 with k(a, b) = (a.b / d + 1)^3, written as explicit loops."""
    d = x.shape[1]

    def k(a: np.ndarray, b: np.ndarray) -> float:
        return (a @ b / d + 1.0) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_kid_matches_the_direct_quadratic_formula() -> None:
    x, y = _features(0, n=40, d=6), _features(1, n=40, d=6, shift=0.4)
    expected = _mmd2_direct(x, y)
    assert metrics.mmd2_unbiased(torch.tensor(x), torch.tensor(y)) == pytest.approx(expected, rel=1e-9)
    # one subset holding every row: KID is that one MMD^2 (the estimate ignores the order of rows)
    mean, std = metrics.kid(x, y, subsets=1, subset_size=40)
    assert mean == pytest.approx(expected, rel=1e-9) and std == 0.0


def test_kid_is_near_zero_for_one_distribution_and_grows_with_the_gap() -> None:
    a, b = _features(0, n=600), _features(1, n=600)  # same distribution, different draws
    same, _ = metrics.kid(a, b, subsets=20, subset_size=200)
    far, _ = metrics.kid(a, _features(1, n=600, shift=1.0), subsets=20, subset_size=200)
    assert abs(same) < 0.1 * far and far > 0


def test_inception_score_bounds_on_constructed_predictions() -> None:
    confident = torch.full((1000, 10), -30.0)
    confident[torch.arange(1000), torch.arange(1000) % 10] = 30.0  # one sure class each, balanced
    is_max, std = metrics.inception_score(confident)
    assert is_max == pytest.approx(10.0, rel=1e-6) and std < 1e-6
    one_class = torch.zeros(1000, 10)
    one_class[:, 3] = 30.0  # every image is a confident "3": mode collapse
    assert metrics.inception_score(one_class)[0] == pytest.approx(1.0, abs=1e-6)
    assert metrics.inception_score(torch.zeros(1000, 10))[0] == pytest.approx(1.0)  # no confidence at all
    random_scores = metrics.inception_score(torch.randn(1000, 10) * 3)[0]
    assert 1.0 < random_scores < 10.0


def test_inception_score_matches_a_direct_formula() -> None:
    logits = torch.randn(500, 10, generator=torch.Generator().manual_seed(0)) * 2
    p = torch.softmax(logits.double(), 1).numpy()
    py = p.mean(0)
    expected = math.exp(np.mean(np.sum(p * (np.log(p) - np.log(py)), 1)))
    assert metrics.inception_score(logits, splits=1)[0] == pytest.approx(expected, rel=1e-9)


def test_inception_score_terms_decompose_the_one_split_score() -> None:
    from scipy.stats import entropy

    logits = torch.randn(500, 10, generator=torch.Generator().manual_seed(1)) * 2
    terms = metrics.inception_score_terms(logits)
    p = torch.softmax(logits.double(), 1).numpy()
    assert terms["class_entropy"] == pytest.approx(entropy(p.mean(0)), rel=1e-9)
    assert terms["mean_conditional_entropy"] == pytest.approx(np.mean(entropy(p, axis=1)), rel=1e-9)
    one_split = metrics.inception_score(logits, splits=1)[0]
    assert math.exp(terms["class_entropy"] - terms["mean_conditional_entropy"]) == pytest.approx(one_split, rel=1e-9)
    collapsed = torch.zeros(100, 10)
    collapsed[:, 3] = 30.0  # one confident class: no balance, no uncertainty
    assert metrics.inception_score_terms(collapsed) == pytest.approx(
        {"class_entropy": 0.0, "mean_conditional_entropy": 0.0}, abs=1e-9
    )


def _pr_bruteforce(real: np.ndarray, fake: np.ndarray, k: int = 3) -> tuple[float, float]:
    def radii(s: np.ndarray) -> np.ndarray:
        d = np.linalg.norm(s[:, None] - s[None], axis=-1)
        return np.sort(d, 1)[:, k]  # column 0 is the point itself

    def inside(points: np.ndarray, centres: np.ndarray) -> float:
        r = radii(centres)
        return float(
            np.mean([any(np.linalg.norm(p - c) <= rc for c, rc in zip(centres, r, strict=True)) for p in points])
        )

    return inside(fake, real), inside(real, fake)


def test_precision_recall_constructed_cases() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 2))
    b = rng.normal(size=(300, 2)) + 50.0  # a second, far-away mode
    real = np.concatenate([a, b])
    assert metrics.precision_recall(real, real) == (1.0, 1.0)
    assert metrics.precision_recall(real, real + 1000.0) == (0.0, 0.0)  # nothing overlaps
    # mode collapse: the fakes cover one of the two real modes: high precision, recall about one half
    precision, recall = metrics.precision_recall(real, rng.normal(size=(300, 2)))
    assert precision > 0.95 and 0.4 < recall < 0.55
    # and the numbers equal a brute-force reading of the definition
    fake = rng.normal(size=(80, 2)) * 1.5
    assert metrics.precision_recall(a[:100], fake) == pytest.approx(_pr_bruteforce(a[:100], fake))


def test_mode_coverage_constructed_histograms() -> None:
    balanced = metrics.mode_coverage(torch.arange(1000) % 10)
    assert balanced["classes_covered"] == 10 and balanced["kl_to_uniform"] == pytest.approx(0.0, abs=1e-12)
    assert balanced["histogram"] == [100] * 10
    collapsed = metrics.mode_coverage(torch.full((1000,), 7))
    assert collapsed["classes_covered"] == 1 and collapsed["kl_to_uniform"] == pytest.approx(math.log(10))
    # nine classes plus two stray images of the tenth: the stray ones do not count as coverage
    labels = torch.cat([torch.arange(998) % 9, torch.tensor([9, 9])])
    assert metrics.mode_coverage(labels)["classes_covered"] == 9
