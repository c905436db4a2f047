"""Architecture checks by behaviour: the learner's network against a reference forward pass built from the
learner's own layers.

A network is correct when it computes what the exercise's layer table computes, however it is written
(``nn.Sequential`` or explicit layers, ``nn.LeakyReLU`` or ``F.leaky_relu`` in ``forward``, dropout before
or after the activation, with which it commutes). So the checks find the learner's layers by kind and size
(``nn.Linear(784, 512)``, ``nn.BatchNorm1d(256)``, ``nn.Conv2d(16, 32)``), give every parameter and
BatchNorm statistic random values, and compare the learner's output with the table's forward pass computed
here from those same weights:

- in eval mode, which pins layer order, activation kind and slope, missing or extra layers, the output
  activation, strides and paddings;
- in training mode under a fixed seed, which pins dropout: its kind (``Dropout2d`` drops whole feature
  maps), rate and place, since the reference draws the same random masks in the same order.

When the outputs differ, the same forward pass is computed for each known mistake (``variants``) and the
first that matches names it.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks._guard import call, expect, fail
from gan_lab.checks._torch_guard import close, to_numpy

Forward = Callable[[torch.Tensor, bool], torch.Tensor]  # (input, training) -> output


def randomize(module: nn.Module, seed: int) -> None:
    """Random weights (fan-in scaled) and BatchNorm statistics, so every layer's role shows in the output."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            values = torch.randn(p.shape, generator=gen, dtype=torch.float32)
            scale = 1.5 / max(1, p[0].numel()) ** 0.5 if p.dim() > 1 else 0.5
            p.copy_((values * scale).to(p.dtype))
        for m in module.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.running_mean is not None:
                m.running_mean.copy_(0.3 * torch.randn(m.running_mean.shape, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=gen))


def batch_norm(norm: nn.Module, x: torch.Tensor, training: bool, eps: float = 1e-5) -> torch.Tensor:
    """What the table's BatchNorm computes with the learner's statistics and affine weights (PyTorch's eps)."""
    if training:
        return F.batch_norm(x, None, None, norm.weight, norm.bias, True, 0.0, eps)
    return F.batch_norm(x, norm.running_mean, norm.running_var, norm.weight, norm.bias, False, 0.0, eps)


def find(module: nn.Module, kind: type, exercise: str, fix: str, **sizes: object) -> nn.Module:
    """The learner's layer of this kind and these sizes (e.g. nn.Linear with in_features=784, out_features=512)."""
    for m in module.modules():
        if type(m) is kind and all(getattr(m, k, None) == v for k, v in sizes.items()):
            return m
    shown = ", ".join(str(v) for v in sizes.values())
    raise fail(exercise, f"no {kind.__name__}({shown}) layer: the network does not follow the layer table", fix)


def expect_logits(exercise: str, module: nn.Module, x: torch.Tensor) -> None:
    """A discriminator returns raw logits: outputs all in [0, 1] on wild inputs mean a sigmoid at the end."""
    was_training = module.training
    module.eval()
    with torch.no_grad():
        big = to_numpy(call(exercise, module, x))
    module.train(was_training)
    if any(isinstance(m, nn.Sigmoid) for m in module.modules()) or (big.min() >= 0.0 and big.max() <= 1.0):
        raise fail(
            exercise,
            "the outputs are probabilities: a sigmoid at the end of the discriminator",
            "return raw logits (no nn.Sigmoid): the losses apply the sigmoid (binary_cross_entropy_with_logits)",
        )


def _output(exercise: str, module: nn.Module, x: torch.Tensor, training: bool, seed: int) -> torch.Tensor:
    module.train(training)
    torch.manual_seed(seed)
    with torch.no_grad():
        return call(exercise, module, x)


def _reference(forward: Forward, x: torch.Tensor, training: bool, seed: int) -> torch.Tensor:
    torch.manual_seed(seed)
    with torch.no_grad():
        return forward(x, training)


def _diagnose(
    exercise: str, got: torch.Tensor, x: torch.Tensor, training: bool, seed: int, variants, what: str, fix: str
) -> None:
    for variant, mistake, hint in variants:
        try:
            expected = _reference(variant, x, training, seed)
        except RuntimeError:  # the variant does not fit these layers
            continue
        if close(got, expected, rtol=1e-4, atol=1e-5):
            raise fail(exercise, mistake, hint)
    raise fail(exercise, what, fix)


def compare(
    exercise: str,
    module: nn.Module,
    x: torch.Tensor,
    forward: Forward,
    variants: list[tuple[Forward, str, str]],
    fix: str,
    dropout: bool = False,
) -> None:
    """The learner's module computes ``forward`` (eval mode; and training mode under a seed when ``dropout``)."""
    got = _output(exercise, module, x, False, 0)
    expected = _reference(forward, x, False, 0)
    expect(
        tuple(got.shape) == tuple(expected.shape),
        exercise,
        f"output shape {tuple(got.shape)}, expected {tuple(expected.shape)}",
        fix,
    )
    if not close(got, expected, rtol=1e-4, atol=1e-5):
        if not close(got, _output(exercise, module, x, False, 1), rtol=1e-4, atol=1e-5):
            raise fail(
                exercise,
                "in eval mode two forward passes of the same input differ: dropout stays on in eval mode "
                "(F.dropout(x, p) defaults to training=True)",
                "use nn.Dropout/nn.Dropout2d layers, or pass training=self.training to F.dropout/F.dropout2d",
            )
        _diagnose(exercise, got, x, False, 0, variants, "in eval mode the output differs from the layer table's", fix)
    first, second = (_output(exercise, module, x, True, seed) for seed in (3, 4))
    random_in_training = not close(first, second, rtol=1e-4, atol=1e-5)
    if dropout and not random_in_training:
        raise fail(
            exercise,
            "no dropout: in training mode two forward passes of the same input give the same output",
            "add the dropout layers of the table (they act in training mode only)",
        )
    if not dropout and random_in_training:
        raise fail(
            exercise,
            "in training mode the output is random: the network has dropout, which the layer table does not",
            "remove the dropout layers",
        )
    if dropout and not close(first, _reference(forward, x, True, 3), rtol=1e-4, atol=1e-5):
        _diagnose(
            exercise, first, x, True, 3, variants, "in training mode the dropout differs from the layer table's", fix
        )
