"""The torch half of the checks' plumbing: originals of the torch functions the checks use, and helpers.

Imported (never reloaded) by ``gan_lab.checks`` as soon as torch is in use, i.e. in the setup cell of the
torch lessons, before any learner code runs. See ``_guard`` for the approach.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks._guard import ORIGINALS, call, call_with, expect, fail, softplus, verify_untouched, watch
from gan_lab.checks._provenance import reject_library_modules

__all__ = ["call", "call_with", "expect", "fail", "softplus", "verify_untouched"]

watch(
    [
        (F, "binary_cross_entropy_with_logits"),
        (F, "binary_cross_entropy"),
        (F, "logsigmoid"),
        (F, "softplus"),
        (torch, "allclose"),
        (torch, "isclose"),
        (torch, "equal"),
        (torch.Tensor, "numpy"),
        (torch.Tensor, "detach"),
        (torch.Tensor, "backward"),
        (nn.Module, "parameters"),
        (nn.Module, "__call__"),
    ]
)


def to_numpy(t: torch.Tensor | float) -> np.ndarray:
    """A float64 numpy copy of a tensor on any device, through the original Tensor methods."""
    if isinstance(t, torch.Tensor):
        t = ORIGINALS[("Tensor", "detach")](t)
        return np.array(ORIGINALS[("Tensor", "numpy")](t.cpu().double()), dtype=np.float64)
    return np.asarray(t, dtype=np.float64)


def close(a, b, rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    a, b = to_numpy(a), to_numpy(b)
    return a.shape == b.shape and bool(ORIGINALS[("numpy", "allclose")](a, b, rtol=rtol, atol=atol))


def params_snapshot(module: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def grads_snapshot(module: nn.Module) -> list[torch.Tensor | None]:
    return [None if p.grad is None else p.grad.detach().clone() for p in module.parameters()]


def same_tensors(a: list, b: list) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if (x is None) != (y is None):
            return False
        if x is not None and not (x.shape == y.shape and bool(ORIGINALS[("torch", "equal")](x, y))):
            return False
    return True


def expect_tanh_range(images: torch.Tensor, exercise: str) -> None:
    """A generator's output must stay in [-1, 1] like the data: catches a missing tanh (a sigmoid in its place is
    recognised by the behavioural comparison, which does not depend on how the weights happen to start)."""
    v = to_numpy(images)
    expect(
        v.min() >= -1.0 and v.max() <= 1.0,
        exercise,
        "outputs outside [-1, 1]: no tanh on the output layer",
        "end with nn.Tanh()",
    )


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def has_layer(module: nn.Module, kind: type) -> bool:
    return any(isinstance(m, kind) for m in module.modules())


def instantiate(exercise: str, cls, *args, **kwargs):
    """Build the learner's network; one made of gan_lab's modules earns no credit."""
    try:
        module = cls(*args, **kwargs)
    except NotImplementedError:
        raise
    except TypeError as err:
        raise fail(
            exercise,
            f"could not build it as {getattr(cls, '__name__', cls)}({', '.join(map(repr, args))}"
            f"{', ' if args and kwargs else ''}{', '.join(f'{k}={v!r}' for k, v in kwargs.items())}): {err}",
            "keep the signature given in the exercise",
        ) from err
    except Exception as err:
        return call(exercise, _raise, err)
    reject_library_modules(exercise, module)
    return module


def _raise(err: BaseException) -> None:
    raise err
