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


# (phrase of the error message, likely mistake, fix): how learner code typically breaks inside a check
KNOWN_ERRORS: list[tuple[tuple[str, ...], str, str]] = [
    (
        ("cuda", "nvidia"),
        "your code asked for a CUDA device: a hard-coded .cuda() or device='cuda' fails on a machine without a "
        "GPU and mixes devices on one that has one",
        "create tensors with device=<the device of the inputs> (e.g. x_real.device) and move models with "
        ".to(device), never .cuda()",
    ),
    (
        ("expected device", "same device", "expected all tensors to be on the same device"),
        "a tensor was created on a different device than the inputs",
        "create new tensors on the inputs' device (torch.ones_like(x), torch.randn(..., device=x.device)) instead "
        "of the default CPU",
    ),
    (
        ("cannot be called on meta tensors", "meta tensor", "device type meta"),
        "your code reads a tensor's value (.item(), float(), .numpy() or .tolist()) where the check runs it on "
        "PyTorch's 'meta' device, which has shapes but no values",
        "keep tensors as tensors inside the computation; read values only at the very end, or return the tensor",
    ),
    (
        ("modified by an inplace operation",),
        "an in-place operation (x_fake.detach_(), +=, relu_(), nn.ReLU(inplace=True) on a tensor autograd still "
        "needs) changed a tensor that the backward pass needs",
        "use the out-of-place form (x.detach(), x = x + y, torch.relu(x)) on tensors that are part of a graph",
    ),
    (
        ("leaf variable", "a view of a leaf"),
        "an in-place operation on a tensor that requires grad (a parameter or an input)",
        "compute a new tensor (x = x * 2) instead of changing the input in place",
    ),
    (
        ("backward through the graph a second time",),
        "backward() ran twice through the same graph (e.g. the D step's graph reused in the G step)",
        "detach x_fake in the D step, and compute loss_g from a fresh discriminator(x_fake) forward pass",
    ),
    (
        ("does not require grad and does not have a grad_fn",),
        "the loss has no graph: an input was detached (or computed under torch.no_grad) before the loss",
        "compute the loss from the network outputs with differentiable operations; detach only x_fake in the D step",
    ),
    (
        ("expected more than 1 value per channel",),
        "BatchNorm in training mode got a batch of one",
        "switch the network to eval mode (model.eval()) before running it on a single example",
    ),
    (
        ("mat1 and mat2", "size mismatch", "shapes cannot be multiplied"),
        "a layer got an input of the wrong size: an nn.Linear has the wrong number of inputs, or the images were "
        "not flattened/reshaped before it",
        "check each layer's sizes against the exercise's table (print x.shape between layers)",
    ),
    (
        ("is invalid for input of size", "view size is not compatible"),
        "a reshape (.view / .reshape) asked for a shape that does not hold the tensor's elements",
        "reshape with the batch size taken from the input: x.view(x.shape[0], ...) (use .reshape for non-contiguous "
        "tensors)",
    ),
    (
        ("must match the size of tensor", "doesn't match the broadcast shape", "target size", "using a target size"),
        "two tensors of different shapes were combined (e.g. targets of shape (N,) for logits of shape (N, 1))",
        "build targets with torch.ones_like(logits) / zeros_like(logits), which copy the logits' shape",
    ),
    (
        ("expected scalar type", "dtype", "found dtype", "expected both vectors to have same dtype"),
        "tensors of different dtypes were combined (e.g. float64 targets for float32 logits, or integer pixels)",
        "create tensors with the dtype of the inputs (torch.ones_like(x), x.float())",
    ),
    (
        ("got an unexpected keyword argument", "positional argument", "takes from", "missing 1 required"),
        "the function's signature differs from the one given in the exercise",
        "keep the exercise's signature (names and order of the arguments, defaults included)",
    ),
]


def explain(exercise: str, err: BaseException, hints: list | tuple = ()) -> AssertionError:
    """Turn an exception raised by learner code into a hint that names the likely mistake."""
    text = str(err).strip()
    first = (text.splitlines() or [""])[0][:160]
    low = text.lower()
    for phrases, mistake, fix in [*hints, *KNOWN_ERRORS]:
        if any(p in low for p in phrases):
            return fail(exercise, f"{mistake} ({type(err).__name__}: {first})", fix)
    return fail(
        exercise,
        f"your code raised {type(err).__name__}: {first}",
        "run your code on a small input in a cell of its own, read the traceback, and compare the shapes and "
        "dtypes with the exercise's description",
    )


def call_with(hints: list[tuple[tuple[str, ...], str, str]], exercise: str, fn, *args, **kwargs):
    """Call the learner's code; turn any error it raises into a hint, trying ``hints`` before the general ones
    (NotImplementedError, a blank exercise, and the checks' own messages pass through)."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except AssertionError as err:
        if str(err).startswith(f"[{exercise}]"):
            raise
        raise explain(exercise, err, hints) from err
    except Exception as err:
        raise explain(exercise, err, hints) from err


def call(exercise: str, fn, *args, **kwargs):
    """Call the learner's code; any error it raises ends as a hint that names the likely mistake."""
    return call_with([], exercise, fn, *args, **kwargs)
