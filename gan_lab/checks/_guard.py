"""Shared plumbing of the checks: references the learner's cells cannot reach, and hint-raising helpers.

This module (and ``_torch_guard`` for the torch lessons) is imported once per Python process and never
reloaded (``gan_lab.checks`` reloads every lesson module). At its first import, which happens in a
lesson's setup cell before any learner code runs, it keeps the original library functions the checks
rely on; each check first verifies that none of them was replaced since. References are computed in
closed form with numpy (the losses' softplus via ``np.logaddexp``) or with scipy, never with the
function the learner may have called. This module does not import torch, so the numpy-only lessons
(theory, evaluation) start fast.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg
import scipy.spatial.distance

WATCHED: list[tuple[object, str]] = [
    (np, "allclose"),
    (np, "isclose"),
    (np, "logaddexp"),
    (np, "asarray"),
    (scipy.linalg, "sqrtm"),
    (scipy.spatial.distance, "jensenshannon"),
    (math, "isclose"),
]
ORIGINALS: dict[tuple[str, str], object] = {}


def watch(pairs: list[tuple[object, str]]) -> None:
    """Record the current objects as the originals (called at first import only)."""
    for owner, name in pairs:
        ORIGINALS.setdefault((owner.__name__, name), getattr(owner, name))
        if (owner, name) not in WATCHED:
            WATCHED.append((owner, name))


watch(list(WATCHED))


def verify_untouched() -> None:
    """Fail when a learner cell replaced a function the checks compare with (e.g. monkeypatching)."""
    for owner, name in WATCHED:
        if getattr(owner, name) is not ORIGINALS[(owner.__name__, name)]:
            raise AssertionError(
                f"{owner.__name__}.{name} was replaced in this session (monkeypatched or redefined): the checks "
                "do not trust a patched library. Fix: remove the line that assigns to it, restart the kernel "
                "and run all cells again."
            )


def fail(exercise: str, mistake: str, fix: str) -> AssertionError:
    """The one message format of every check: which exercise, the likely mistake, how to fix it."""
    return AssertionError(f"[{exercise}] {mistake}. Fix: {fix}.")


def expect(condition: bool, exercise: str, mistake: str, fix: str) -> None:
    if not condition:
        raise fail(exercise, mistake, fix)


def softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + exp(x)) in float64 without overflow: the closed form every loss reference uses."""
    return np.logaddexp(0.0, x)


def call(exercise: str, fn, *args, **kwargs):  # noqa: ANN001, ANN201
    """Call the learner's code; turn the errors learners typically hit into hints (others propagate)."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except (RuntimeError, AssertionError, TypeError, AttributeError, ValueError) as err:
        text = str(err)
        low = text.lower()
        if "cuda" in low or "nvidia" in low:
            raise fail(
                exercise,
                f"your code asked for a CUDA device ({text.splitlines()[0][:120]}): a hard-coded .cuda() or "
                "device='cuda' fails on a machine without a GPU and mixes devices on one that has one",
                "create tensors with device=<the device of the inputs> (e.g. x_real.device) and move models with "
                ".to(device), never .cuda()",
            ) from err
        if "expected device" in low or "same device" in low:
            raise fail(
                exercise,
                f"a tensor was created on a different device than the inputs ({text.splitlines()[0][:120]})",
                "create new tensors on the inputs' device (torch.ones_like(x), torch.randn(..., device=x.device)) "
                "instead of the default CPU",
            ) from err
        raise
