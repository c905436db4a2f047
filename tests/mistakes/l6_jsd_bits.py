"""log2: the divergence in bits."""

import numpy as np

EXERCISE = "jsd"
HINT = "log base 2"


def jsd(p, q):
    m = (p + q) / 2
    kl = lambda a, b: float(np.sum(a[a > 0] * np.log2(a[a > 0] / b[a > 0])))  # noqa: E731
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)
