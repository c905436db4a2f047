"""scipy.special.rel_entr (0 log 0 = 0 built in)."""

import scipy.special

EXERCISE = "jsd"


def jsd(p, q):
    m = (p + q) / 2
    return 0.5 * scipy.special.rel_entr(p, m).sum() + 0.5 * scipy.special.rel_entr(q, m).sum()
