"""What every network checks on entry: a one-line error naming the expected shape and what came.

The networks' forward passes call these at every step, so they read only metadata (shape, dtype, device),
never values: no device synchronisation. A label out of range is caught where torch finds it (one_hot,
embedding) and re-raised in the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import torch
from torch import nn

from gan_lab.runtime import GanLabError, expect_int, expect_tensor

T = TypeVar("T")


def check_sizes(**sizes: object) -> None:
    """Constructor arguments that are layer widths or counts: positive integers."""
    for name, value in sizes.items():
        expect_int(name, value)


def _on_weights(network: nn.Module, name: str, value: torch.Tensor) -> None:
    """``value`` on the network's device: torch's own mismatch error names neither the input nor the fix."""
    device = next(network.parameters()).device
    if value.device != device:
        raise GanLabError(
            f"expected {name} on {device}, where the {type(network).__name__}'s weights are, got {value.device} "
            f"(move it with {name}.to({str(device)!r}))"
        )


def check_z(network: nn.Module, z: object, latent_dim: int, image_like: bool = False) -> None:
    """z (N, latent_dim) in floating point, on the network's device; ``image_like`` also accepts (N, latent_dim, 1, 1)."""
    if isinstance(z, torch.Tensor) and z.ndim == 2 and z.shape[1] == latent_dim and z.is_floating_point():
        _on_weights(network, "z", z)
        return  # the fast path, taken at every training step
    shape = f"(N, {latent_dim})" + (f" or (N, {latent_dim}, 1, 1)" if image_like else "")
    expect_tensor("z", z, shape, (2, 4) if image_like else (2,))
    if z.shape[1:] not in ((latent_dim,), (latent_dim, 1, 1)):
        raise GanLabError(f"expected z of shape {shape}, got {tuple(z.shape)}")
    _on_weights(network, "z", z)


def check_images(network: nn.Module, x: object, channels: int, size: int, flat: bool = False) -> None:
    """x (N, channels, size, size) in floating point, on the network's device; ``flat`` also accepts (N, C*H*W)."""
    if isinstance(x, torch.Tensor) and x.shape[1:] == (channels, size, size) and x.is_floating_point():
        _on_weights(network, "x", x)
        return  # the fast path, taken at every training step
    shape = f"(N, {channels}, {size}, {size})" + (f" or (N, {channels * size * size})" if flat else "")
    expect_tensor("x", x, shape, (2, 4) if flat else (4,))
    if x.shape[1:] not in ((channels, size, size), (channels * size * size,) if flat else ()):
        raise GanLabError(f"expected x of shape {shape}, got {tuple(x.shape)}")
    _on_weights(network, "x", x)


def check_labels(labels: object, n: int, num_classes: int) -> None:
    """labels (N,) of an integer dtype, one per image (their range is checked by :func:`labelled`)."""
    if isinstance(labels, torch.Tensor) and labels.shape == (n,) and labels.dtype in (torch.int64, torch.int32):
        return  # the fast path, taken at every training step
    expect_tensor("labels", labels, f"(N,) int64 in [0, {num_classes})", (1,), floating=False)
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise GanLabError(f"expected labels as class indices, an integer tensor, got {labels.dtype} (use .long())")
    if labels.shape[0] != n:
        raise GanLabError(f"expected one label per image ({n}), got {labels.shape[0]} labels")


def labelled(num_classes: int, use: Callable[[], T]) -> T:
    """``use()``, with torch's own error for a label outside [0, num_classes) turned into a one-line one."""
    try:
        return use()
    except (RuntimeError, IndexError) as err:
        if "index" not in str(err).lower() and "class values" not in str(err).lower():
            raise
        raise GanLabError(f"expected labels in [0, {num_classes}), got a label outside it") from None
