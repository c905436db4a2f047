"""np.sqrt of the product instead of the matrix square root."""

import numpy as np

EXERCISE = "frechet_distance"
HINT = "element-wise square root"


def frechet_distance(mu1, sigma1, mu2, sigma2):
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(np.sqrt(np.abs(sigma1 * sigma2))))
