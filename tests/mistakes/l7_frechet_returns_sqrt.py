"""Returns d instead of d^2."""

import numpy as np
import scipy.linalg

EXERCISE = "frechet_distance"
HINT = "square root of the distance"


def frechet_distance(mu1, sigma1, mu2, sigma2):
    covmean = np.real(scipy.linalg.sqrtm(sigma1 @ sigma2))
    return float(np.sqrt(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1 + sigma2 - 2 * covmean)))
