"""sqrt(Tr(sigma1 sigma2)) in place of Tr(sqrtm(sigma1 sigma2))."""

import numpy as np

EXERCISE = "frechet_distance"
HINT = "square root of the trace"


def frechet_distance(mu1, sigma1, mu2, sigma2):
    return float(
        np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.sqrt(np.trace(sigma1 @ sigma2))
    )
