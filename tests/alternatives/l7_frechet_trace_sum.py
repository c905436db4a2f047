"""One trace of (sigma1 + sigma2 - 2 sqrtm) and the real part taken inside."""

import numpy as np
import scipy.linalg

EXERCISE = "frechet_distance"


def frechet_distance(mu1, sigma1, mu2, sigma2):
    return ((mu1 - mu2) ** 2).sum() + np.trace(sigma1 + sigma2 - 2 * scipy.linalg.sqrtm(sigma1 @ sigma2).real)
