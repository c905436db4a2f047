"""||mu1 - mu2|| instead of its square."""

import numpy as np
import scipy.linalg

EXERCISE = "frechet_distance"
HINT = "not squared"


def frechet_distance(mu1, sigma1, mu2, sigma2):
    covmean = np.real(scipy.linalg.sqrtm(sigma1 @ sigma2))
    return float(np.linalg.norm(mu1 - mu2) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))
