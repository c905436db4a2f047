"""The complex result of sqrtm kept."""

import numpy as np
import scipy.linalg

EXERCISE = "frechet_distance"
HINT = "complex"


def frechet_distance(mu1, sigma1, mu2, sigma2):
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2) + 0j
    return np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)
