"""A moving average of the generator's weights, and BatchNorm statistics that belong to it.

References:
- Yazici et al. 2019, "The Unusual Effectiveness of Averaging in GAN Training" (the exponential
  moving average of the generator's parameters, evaluated instead of the live generator).
- TensorFlow's ``tf.train.ExponentialMovingAverage(num_updates=...)`` (the warm-up below:
  decay_t = min(decay, (1 + t) / (10 + t))).
- Ioffe & Szegedy 2015, "Batch Normalization" (running statistics are estimated from the network's
  own activations, so averaged weights need statistics of their own).
"""

from __future__ import annotations

import torch
from torch import nn

from gan_lab.latent import sample_noise
from gan_lab.runtime import GanLabError, GanLabTypeError, describe, expect_int


def ema_decay(decay: float, updates: int) -> float:
    r"""The decay of the average's ``updates``-th update (counted from 0): $d_t = \min\big(d, \frac{1+t}{10+t}\big)$.

    A constant decay starts the average at the untrained weights and keeps $d^T$ of them after $T$
    updates: 0.999 still holds 73% of the initial generator after 310 steps (a grey, washed-out
    grid). The warm-up averages over roughly the last $(10+t)/9$ updates until that window
    reaches the constant's $1/(1-d)$, so a short run's average holds only trained weights and a long
    run's average is the constant-decay one.
    """
    return min(decay, (1.0 + updates) / (10.0 + updates))


@torch.no_grad()
def ema_update(generator_ema: nn.Module, generator: nn.Module, decay: float) -> None:
    r"""Exponential moving average of the weights (Yazici et al. 2019): $\bar\theta \leftarrow d\,\bar\theta + (1-d)\,\theta$.

    Only parameters are averaged. BatchNorm's running statistics belong to the weights that produced
    them, so the average gets its own from ``recalibrate_batchnorm``.
    """
    if not isinstance(decay, (int, float)) or not 0.0 <= decay <= 1.0:
        raise GanLabError(f"expected decay in [0, 1] (e.g. 0.999), got {decay!r}")
    try:
        torch._foreach_lerp_(list(generator_ema.parameters()), list(generator.parameters()), 1.0 - decay)
    except (RuntimeError, AttributeError) as err:  # diagnosed only when it fails: nothing added to a good step
        raise _mismatch(generator_ema, generator) from err


def _mismatch(generator_ema: object, generator: object) -> GanLabError:
    """Why two generators cannot be averaged: not networks, or not copies of one architecture."""
    for name, m in (("generator_ema", generator_ema), ("generator", generator)):
        if not isinstance(m, nn.Module):
            return GanLabTypeError(f"expected {name} as a network (an nn.Module), got {describe(m)}")
    shapes_ema = [tuple(p.shape) for p in generator_ema.parameters()]
    shapes = [tuple(p.shape) for p in generator.parameters()]
    if len(shapes_ema) != len(shapes):
        return GanLabError(
            f"expected generator_ema to be a copy of generator (copy.deepcopy), got {len(shapes_ema)} parameters "
            f"against {len(shapes)}"
        )
    for i, (a, b) in enumerate(zip(shapes_ema, shapes)):
        if a != b:
            return GanLabError(
                f"expected generator_ema to be a copy of generator (copy.deepcopy), got parameter {i} of shape {a} "
                f"against {b}"
            )
    return GanLabError("expected generator_ema and generator with parameters on one device and of one dtype")


@torch.no_grad()
def recalibrate_batchnorm(
    generator: nn.Module, latent_dim: int, batches: int = 32, batch_size: int = 128, seed: int = 0
) -> nn.Module:
    """Recompute every BatchNorm running mean and variance of ``generator`` from its own outputs.

    The moving average's weights never produced the live generator's statistics, so copying those
    would pair the averaged weights with statistics of other weights. Each statistic becomes the
    plain average over ``batches`` batches of z ~ N(0, I), drawn from their own seeded stream, so
    training's random stream is untouched and a resumed run recalibrates exactly as an uninterrupted
    one. The sample is large (4,096 by default) because a small one makes the metrics of the average
    depend on the recalibration seed; the measurements behind both choices are in the notes of
    ``book/results/reference_runs.json``. Returns ``generator`` in eval mode.
    """
    if not isinstance(generator, nn.Module):
        raise GanLabTypeError(f"expected generator as a network (an nn.Module), got {describe(generator)}")
    expect_int("latent_dim", latent_dim)
    expect_int("batches", batches)
    expect_int("batch_size", batch_size, minimum=2)  # BatchNorm in training mode needs 2 or more
    norms = [m for m in generator.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return generator.eval()
    device = next(generator.parameters()).device
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # None: a cumulative average over all batches, not an exponential one
    generator.train()
    rng = torch.Generator().manual_seed(seed)
    for _ in range(batches):
        generator(sample_noise(batch_size, latent_dim, rng).to(device))
    for m, momentum in zip(norms, momenta):
        m.momentum = momentum
    return generator.eval()
