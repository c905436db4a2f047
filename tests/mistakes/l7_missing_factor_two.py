"""Tr(sqrtm) subtracted once instead of twice."""

import numpy as np
import scipy.linalg

EXERCISE = "frechet_distance"
HINT = "the factor 2"


def frechet_distance(mu1, sigma1, mu2, sigma2):
    covmean = np.real(scipy.linalg.sqrtm(sigma1 @ sigma2))
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - np.trace(covmean))
