"""xlogy for the two expectations."""

import numpy as np
import scipy.special

EXERCISE = "value_at_optimum"


def value_at_optimum(p_data, p_g):
    total = p_data + p_g
    return np.sum(scipy.special.xlogy(p_data, p_data / total)) + np.sum(scipy.special.xlogy(p_g, p_g / total))
