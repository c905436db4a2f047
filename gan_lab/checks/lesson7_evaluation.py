r"""Checks of lesson 7, evaluation: Gaussian feature statistics and the Frechet distance from scratch,
compared with a reference computed here with numpy and ``scipy.linalg.sqrtm`` (Heusel et al. 2017):

$$d^2 = \lVert\mu_1 - \mu_2\rVert^2 + \operatorname{Tr}\big(\Sigma_1 + \Sigma_2 - 2(\Sigma_1\Sigma_2)^{1/2}\big)$$
"""

from __future__ import annotations

import math

import numpy as np

from gan_lab.checks._guard import ORIGINALS, call, expect, fail, verify_untouched

_sqrtm = ORIGINALS[("scipy.linalg", "sqrtm")]


def _features(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    mixing = rng.normal(size=(d, d))
    return rng.normal(size=(n, d)) @ mixing + rng.normal(size=d)


def check_feature_statistics(feature_statistics, hidden: bool = False) -> None:
    """feature_statistics(features (N, d)) -> (mu (d,), sigma (d, d)), sigma the unbiased covariance (N - 1)."""
    verify_untouched()
    ex = "feature_statistics"
    rng = np.random.default_rng(31 if hidden else 4)
    for n, d in ((50, 3), (200, 16)) if hidden else ((40, 4), (100, 8)):
        feats = _features(rng, n, d)
        given = feats.copy()
        out = call(ex, feature_statistics, given)
        expect(
            np.array_equal(given, feats),
            ex,
            "the features array was changed in place (features -= mu centres the caller's data)",
            "compute a new array: centred = features - mu (or use np.cov, which leaves its input alone)",
        )
        expect(isinstance(out, (tuple, list)) and len(out) == 2, ex, "expected (mu, sigma)", "return mu, sigma")
        mu, sigma = (np.asarray(v, dtype=np.float64) for v in out)
        if sigma.shape == (n, n) and n != d:
            raise fail(
                ex,
                f"sigma has shape {sigma.shape}: np.cov treats rows as variables by default, so this is the covariance between samples",
                "np.cov(features, rowvar=False)",
            )
        expect(
            mu.shape == (d,) and sigma.shape == (d, d),
            ex,
            f"shapes {mu.shape} and {sigma.shape}, expected ({d},) and ({d}, {d})",
            "mu = features.mean(axis=0), sigma = np.cov(features, rowvar=False)",
        )
        ref = np.cov(feats, rowvar=False)
        expect(np.allclose(mu, feats.mean(axis=0)), ex, "mu is not the mean over samples", "features.mean(axis=0)")
        if not np.allclose(sigma, ref) and np.allclose(sigma, ref * (n - 1) / n):
            raise fail(
                ex,
                "the covariance divides by N (biased); the reference FID code divides by N - 1",
                "np.cov(features, rowvar=False) (ddof=1, the default)",
            )
        expect(
            np.allclose(sigma, ref),
            ex,
            "sigma differs from np.cov(features, rowvar=False)",
            "np.cov(features, rowvar=False)",
        )


def _reference(mu1, s1, mu2, s2) -> float:
    covmean = _sqrtm(s1 @ s2)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(np.real(covmean)))


def check_frechet_distance(frechet_distance, hidden: bool = False) -> None:
    """frechet_distance(mu1, sigma1, mu2, sigma2) -> float, the squared Frechet distance between two Gaussians."""
    verify_untouched()
    ex = "frechet_distance"
    rng = np.random.default_rng(37 if hidden else 6)
    for d in (2, 12) if hidden else (3, 8):
        a, b = _features(rng, 300, d), _features(rng, 300, d) * 1.3 + 0.5
        mu1, s1, mu2, s2 = a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False)
        given = [mu1.copy(), s1.copy(), mu2.copy(), s2.copy()]
        got = call(ex, frechet_distance, *given)
        expect(
            all(np.array_equal(a, b) for a, b in zip(given, (mu1, s1, mu2, s2))),
            ex,
            "an input array was changed in place (e.g. sigma1 += eps * I or mu1 -= mu2)",
            "compute new arrays (s1 = sigma1 + eps * np.eye(d)) and leave the inputs as they are",
        )
        expect(
            not np.iscomplexobj(got),
            ex,
            "the result is complex: sqrtm can return tiny imaginary parts",
            "take the real part of the matrix square root (np.real) before the trace",
        )
        got = float(got)
        ref = _reference(mu1, s1, mu2, s2)
        diff = np.sum((mu1 - mu2) ** 2)
        covmean = np.real(_sqrtm(s1 @ s2))
        if math.isclose(got, ref, rel_tol=1e-5, abs_tol=1e-8):
            pass
        elif math.isclose(
            got, float(diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(np.sqrt(np.abs(s1 * s2)))), rel_tol=1e-6
        ):
            raise fail(
                ex,
                "np.sqrt(sigma1 * sigma2) is an element-wise square root; the formula needs the matrix square root",
                "scipy.linalg.sqrtm(sigma1 @ sigma2)",
            )
        elif math.isclose(got, math.sqrt(max(ref, 0.0)), rel_tol=1e-5):
            raise fail(
                ex,
                "the square root of the distance: FID is the squared Frechet distance d^2",
                "return ||mu1 - mu2||^2 + Tr(...) without a final square root",
            )
        elif math.isclose(
            got, float(diff + np.trace(s1) + np.trace(s2) - 2 * math.sqrt(np.trace(s1 @ s2))), rel_tol=1e-6
        ):
            raise fail(
                ex,
                "the square root of the trace, sqrt(Tr(sigma1 sigma2)), where the formula takes the trace of the "
                "matrix square root, Tr((sigma1 sigma2)^(1/2))",
                "np.trace(scipy.linalg.sqrtm(sigma1 @ sigma2).real)",
            )
        elif math.isclose(
            got,
            float(diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(np.real(_sqrtm(s1) @ _sqrtm(s2)))),
            rel_tol=1e-6,
        ):
            raise fail(
                ex,
                "sqrtm(sigma1) @ sqrtm(sigma2) is not (sigma1 sigma2)^(1/2) unless the two matrices commute",
                "one matrix square root of the product: scipy.linalg.sqrtm(sigma1 @ sigma2)",
            )
        elif math.isclose(got, ref - diff + math.sqrt(diff), rel_tol=1e-6):
            raise fail(ex, "the mean term is ||mu1 - mu2||, not squared", "np.sum((mu1 - mu2) ** 2)")
        elif math.isclose(got, ref + np.trace(covmean), rel_tol=1e-6):
            raise fail(
                ex, "the factor 2 in front of Tr((sigma1 sigma2)^(1/2)) is missing", "... - 2 * np.trace(covmean)"
            )
        expect(
            math.isclose(got, ref, rel_tol=1e-5, abs_tol=1e-8),
            ex,
            f"got {got:.6f}, expected {ref:.6f}",
            "||mu1 - mu2||^2 + Tr(sigma1) + Tr(sigma2) - 2 Tr(sqrtm(sigma1 @ sigma2))",
        )
        expect(
            abs(float(call(ex, frechet_distance, mu1, s1, mu1, s1))) < 1e-6,
            ex,
            "the distance of a Gaussian to itself is not 0",
            "||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 sqrtm(sigma1 @ sigma2))",
        )
        swapped = float(call(ex, frechet_distance, mu2, s2, mu1, s1))
        expect(
            math.isclose(swapped, got, rel_tol=1e-5),
            ex,
            "the distance is not symmetric",
            "use the trace formula exactly",
        )


CHECKS = {"feature_statistics": check_feature_statistics, "frechet_distance": check_frechet_distance}
