"""np.log2: the JSD in bits."""

import numpy as np

EXERCISE = "jsd"
HINT = "bits"


def jsd(p, q):
    m = (p + q) / 2

    def kl(a, b):
        return float(np.sum(np.where(a > 0, a * np.log2(np.where(a > 0, a, 1) / b), 0.0)))

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)
