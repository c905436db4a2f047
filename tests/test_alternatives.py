"""The catalog of correct alternatives against the checks: each passes its check, visible and hidden cases."""

from __future__ import annotations

import pytest
import torch
from alternatives import catalog

from gan_lab.checks import EXERCISES, LESSONS

torch.set_num_threads(1)
ALTERNATIVES = catalog()


def test_catalog_is_large_and_covers_every_lesson() -> None:
    assert len(ALTERNATIVES) >= 25
    for name, module in ALTERNATIVES.items():
        assert module.EXERCISE in EXERCISES and module.__doc__, name
        assert hasattr(module, module.EXERCISE), f"{name} does not define {module.EXERCISE}"
    lessons = {
        lesson for lesson, exercises in LESSONS.items() for m in ALTERNATIVES.values() if m.EXERCISE in exercises
    }
    assert lessons == set(LESSONS)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_correct_alternative_passes(name: str) -> None:
    module = ALTERNATIVES[name]
    for hidden in (False, True):
        EXERCISES[module.EXERCISE](getattr(module, module.EXERCISE), hidden=hidden)
