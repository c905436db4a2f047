"""Checks of lesson 4, a convolutional GAN at 64x64: output-size arithmetic (swept with hypothesis) and the
DCGAN weight initialisation; ``lesson4_networks`` holds Conv64Generator and Conv64Discriminator."""

from __future__ import annotations

import math

import torch
from torch import nn

from gan_lab.checks._sweep import conv_cases, smallest_failure
from gan_lab.checks._torch_guard import (
    call,
    expect,
    fail,
    to_numpy,
    verify_untouched,
)
from gan_lab.checks.lesson4_networks import check_conv64_discriminator, check_conv64_generator


def _grid(hidden: bool) -> list[tuple[int, int, int, int]]:
    sizes, kernels = ((7, 13, 28, 65), (1, 3, 5)) if hidden else ((4, 8, 32, 64), (3, 4))
    return [(s, k, st, p) for s in sizes for k in kernels for st in (1, 2, 3) for p in (0, 1, 2) if s + 2 * p >= k]


def _cases(ex: str, fn, reference, hidden: bool) -> list[tuple[int, int, int, int]]:
    """The fixed grid, preceded by the smallest case (found by a derandomized sweep) where fn disagrees."""

    def wrong(case: tuple[int, int, int, int]) -> bool:
        try:
            return call(ex, fn, *case) != reference(*case)
        except AssertionError:  # an error on this case: a failing case too (the loop below shows its hint)
            return True

    smallest = smallest_failure(conv_cases(), wrong)
    return ([smallest] if smallest else []) + _grid(hidden)


def check_conv_out_size(conv_out_size, hidden: bool = False) -> None:
    """conv_out_size(size, kernel, stride, padding) = floor((size + 2 padding - kernel) / stride) + 1 (Conv2d)."""
    verify_untouched()
    ex = "conv_out_size"
    for size, k, s, p in _cases(ex, conv_out_size, lambda n, k, s, p: math.floor((n + 2 * p - k) / s) + 1, hidden):
        got = call(ex, conv_out_size, size, k, s, p)
        ref = math.floor((size + 2 * p - k) / s) + 1
        if isinstance(got, float) and not float(got).is_integer():
            raise fail(
                ex,
                f"returned {got} for size={size}, kernel={k}, stride={s}, padding={p}: '/' is true division",
                "use integer division '//' (PyTorch rounds down)",
            )
        expect(isinstance(got, int), ex, f"returned {type(got).__name__} {got!r}", "return an int (use '//')")
        if got == ref - 1:
            raise fail(
                ex,
                f"{got} for size={size}, kernel={k}, stride={s}, padding={p}, expected {ref}: the '+ 1' is missing",
                "(size + 2 * padding - kernel) // stride + 1",
            )
        if got == math.ceil((size + 2 * p - k) / s) + 1 and got != ref:
            raise fail(
                ex,
                f"{got} for size={size}, kernel={k}, stride={s}, padding={p}, expected {ref}: rounded up",
                "PyTorch rounds down: use '//'",
            )
        expect(
            got == ref,
            ex,
            f"{got} for size={size}, kernel={k}, stride={s}, padding={p}, expected {ref}",
            "(size + 2 * padding - kernel) // stride + 1",
        )
    layer = nn.Conv2d(1, 1, 4, 2, 1, device="meta")  # the formula agrees with PyTorch itself
    expect(
        layer(torch.empty(1, 1, 64, 64, device="meta")).shape[-1] == call(ex, conv_out_size, 64, 4, 2, 1),
        ex,
        "disagrees with nn.Conv2d(kernel 4, stride 2, padding 1) on 64",
        "(size + 2 * padding - kernel) // stride + 1",
    )


def check_conv_transpose_out_size(conv_transpose_out_size, hidden: bool = False) -> None:
    """conv_transpose_out_size(size, kernel, stride, padding) = (size - 1) stride - 2 padding + kernel."""
    verify_untouched()
    ex = "conv_transpose_out_size"
    for size, k, s, p in _cases(ex, conv_transpose_out_size, lambda n, k, s, p: (n - 1) * s - 2 * p + k, hidden):
        got = call(ex, conv_transpose_out_size, size, k, s, p)
        ref = (size - 1) * s - 2 * p + k
        expect(isinstance(got, int), ex, f"returned {type(got).__name__} {got!r}", "return an int")
        if p and got == (size - 1) * s + k:
            raise fail(
                ex,
                f"{got} for size={size}, kernel={k}, stride={s}, padding={p}, expected {ref}: the padding term is missing",
                "(size - 1) * stride - 2 * padding + kernel (padding removes rows on both sides)",
            )
        if s > 1 and got == size * s - 2 * p + k:
            raise fail(
                ex,
                f"{got} for size={size}, kernel={k}, stride={s}, padding={p}, expected {ref}: size * stride instead of (size - 1) * stride",
                "(size - 1) * stride - 2 * padding + kernel",
            )
        expect(
            got == ref,
            ex,
            f"{got} for size={size}, kernel={k}, stride={s}, padding={p}, expected {ref}",
            "(size - 1) * stride - 2 * padding + kernel",
        )
    layer = nn.ConvTranspose2d(1, 1, 4, 2, 1, device="meta")
    expect(
        layer(torch.empty(1, 1, 32, 32, device="meta")).shape[-1] == call(ex, conv_transpose_out_size, 32, 4, 2, 1),
        ex,
        "disagrees with nn.ConvTranspose2d(kernel 4, stride 2, padding 1) on 32",
        "(size - 1) * stride - 2 * padding + kernel",
    )


def _init_model(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.ConvTranspose2d(32, 64, 4, 2, 1, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.Conv2d(64, 64, 4, 2, 1, bias=False),
        nn.BatchNorm2d(64),
        nn.LeakyReLU(0.2),
    )
    with torch.no_grad():  # make "left at PyTorch's defaults" visible on the BatchNorm layers too
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.fill_(3.0)
                m.bias.fill_(0.7)
    return model


def check_init_weights(init_weights, hidden: bool = False) -> None:
    """init_weights(model) -> model: conv and transposed-conv weights normal with mean 0 and standard deviation 0.02;
    BatchNorm weight normal with mean 1 and standard deviation 0.02, bias 0."""
    verify_untouched()
    ex = "init_weights"
    model = _init_model(61 if hidden else 6)
    before = [p.detach().clone() for p in model.parameters()]
    out = call(ex, init_weights, model)
    expect(
        out is model or out is None,
        ex,
        "returned a different model",
        "initialise the given model in place (model.apply(...)) and return it",
    )
    conv_t, bn1, conv, bn2 = model[0], model[1], model[3], model[4]
    if all(torch.equal(a, b) for a, b in zip(before, model.parameters())):
        raise fail(
            ex,
            "no weight changed: the init function was defined but never applied",
            "call model.apply(weights_init) inside init_weights",
        )
    for name, layer, w_before in (("ConvTranspose2d", conv_t, before[0]), ("Conv2d", conv, before[3])):
        if torch.equal(layer.weight.detach(), w_before):
            raise fail(
                ex,
                f"the {name} layers were not initialised (their weights are unchanged)",
                "test isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)): ConvTranspose2d is not a subclass of Conv2d",
            )
        w = to_numpy(layer.weight)
        if abs(w.mean() - 0.02) < 0.01 and abs(w.std() - 1.0) < 0.1:
            raise fail(
                ex,
                f"{name} weights have mean {w.mean():.3f} and standard deviation {w.std():.2f}: "
                "nn.init.normal_(w, 0.02) sets the mean (the second argument) to 0.02 and keeps std 1",
                "nn.init.normal_(m.weight, 0.0, 0.02) (or mean=0.0, std=0.02 by keyword)",
            )
        if abs(w.std() - 0.02) > 0.003 and abs(w.std() - 0.2) < 0.03:
            raise fail(
                ex,
                f"{name} weights have std {w.std():.3f}: 0.2 instead of 0.02",
                "nn.init.normal_(m.weight, 0.0, 0.02)",
            )
        if abs(w.std() - 0.02) > 0.003 or abs(w.mean()) > 0.002:
            raise fail(
                ex,
                f"{name} weights have mean {w.mean():.4f} and std {w.std():.4f}, not mean 0 and standard deviation 0.02: the {name} layers were not initialised",
                "test isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)) in the init function",
            )
    for bn in (bn1, bn2):
        w, b = to_numpy(bn.weight), to_numpy(bn.bias)
        if abs(w.mean()) < 0.01:
            raise fail(
                ex,
                f"BatchNorm scale has mean {w.mean():.3f}: initialised around 0 like a convolution, which zeroes every activation",
                "nn.init.normal_(m.weight, 1.0, 0.02) for BatchNorm",
            )
        expect(
            abs(w.mean() - 1.0) < 0.01 and w.std() < 0.04 and abs(b).max() == 0.0,
            ex,
            f"BatchNorm weight mean {w.mean():.3f} (std {w.std():.3f}), bias max {abs(b).max():.3f}: expected mean 1, standard deviation 0.02 and bias 0",
            "nn.init.normal_(m.weight, 1.0, 0.02); nn.init.zeros_(m.bias)",
        )


CHECKS = {
    "conv_out_size": check_conv_out_size,
    "conv_transpose_out_size": check_conv_transpose_out_size,
    "Conv64Generator": check_conv64_generator,
    "Conv64Discriminator": check_conv64_discriminator,
    "init_weights": check_init_weights,
}
