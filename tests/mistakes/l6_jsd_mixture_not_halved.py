"""The mixture m = p + q, not (p + q) / 2."""

import numpy as np

EXERCISE = "jsd"
HINT = "mixture was not halved"


def jsd(p, q):
    m = p + q
    kl_p = np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1) / m), 0.0))
    kl_q = np.sum(np.where(q > 0, q * np.log(np.where(q > 0, q, 1) / m), 0.0))
    return float(0.5 * kl_p + 0.5 * kl_q)
