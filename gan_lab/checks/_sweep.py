"""Size and shape sweeps with hypothesis: the smallest case on which the learner's code goes wrong.

``hypothesis.find`` searches a domain for an example that satisfies a condition (here: "the learner's
code fails on it") and shrinks what it finds to the smallest such example, which makes the best hint
(``conv_out_size(1, 2, 1, 0)`` rather than ``conv_out_size(61, 5, 3, 2)``). The search is derandomized and
keeps no example database, so a grade never depends on luck or on what ran before: the same code meets
the same examples on every machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

T = TypeVar("T")
SETTINGS = settings(
    derandomize=True, database=None, max_examples=150, deadline=None, suppress_health_check=list(HealthCheck)
)


def smallest_failure(strategy: st.SearchStrategy[T], fails: Callable[[T], bool]) -> T | None:
    """The smallest example of ``strategy`` on which ``fails`` is true, or None when the search finds none."""
    try:
        return find(strategy, fails, settings=SETTINGS)
    except NoSuchExample:
        return None


def conv_cases(max_size: int = 70) -> st.SearchStrategy[tuple[int, int, int, int]]:
    """(size, kernel, stride, padding) with the kernel fitting the padded input."""
    return st.tuples(st.integers(1, max_size), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3)).filter(
        lambda c: c[0] + 2 * c[3] >= c[1]
    )


def shapes(max_batch: int = 64, max_dim: int = 128) -> st.SearchStrategy[tuple[int, int]]:
    """(batch_size, dim), each at least 1."""
    return st.tuples(st.integers(1, max_batch), st.integers(1, max_dim))
