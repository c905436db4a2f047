"""sqrtm of each covariance multiplied, instead of the square root of the product."""

import numpy as np
import scipy.linalg

EXERCISE = "frechet_distance"
HINT = "unless the two matrices commute"


def frechet_distance(mu1, sigma1, mu2, sigma2):
    covmean = np.real(scipy.linalg.sqrtm(sigma1) @ scipy.linalg.sqrtm(sigma2))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))
