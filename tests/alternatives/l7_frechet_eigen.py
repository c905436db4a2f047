"""Tr((sigma1 sigma2)^(1/2)) as the sum of square roots of the eigenvalues of sigma1 @ sigma2."""

import numpy as np

EXERCISE = "frechet_distance"


def frechet_distance(mu1, sigma1, mu2, sigma2):
    eigenvalues = np.linalg.eigvals(sigma1 @ sigma2)
    return float(
        np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.sum(np.sqrt(eigenvalues.real.clip(0)))
    )
