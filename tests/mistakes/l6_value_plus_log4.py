"""The identity with +log 4 instead of -log 4."""

import math

import numpy as np

EXERCISE = "value_at_optimum"
HINT = "+log 4"


def value_at_optimum(p_data, p_g):
    m = (p_data + p_g) / 2
    kl = lambda a: np.sum(np.where(a > 0, a * np.log(np.where(a > 0, a, 1) / m), 0.0))  # noqa: E731
    return float(math.log(4) + kl(p_data) + kl(p_g))
