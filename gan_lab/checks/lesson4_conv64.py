"""Checks of lesson 4, a convolutional GAN at 64x64: output-size arithmetic, Conv64Generator,
Conv64Discriminator (the course's conv64 design) and the DCGAN weight initialisation."""

from __future__ import annotations

import math

import torch
from torch import nn

from gan_lab.checks._torch_guard import (
    call,
    count_parameters,
    expect,
    expect_tanh_range,
    fail,
    has_layer,
    instantiate,
    to_numpy,
    verify_untouched,
)


def _grid(hidden: bool) -> list[tuple[int, int, int, int]]:
    sizes, kernels = ((7, 13, 28, 65), (1, 3, 5)) if hidden else ((4, 8, 32, 64), (3, 4))
    return [(s, k, st, p) for s in sizes for k in kernels for st in (1, 2, 3) for p in (0, 1, 2) if s + 2 * p >= k]


def check_conv_out_size(conv_out_size, hidden: bool = False) -> None:
    """conv_out_size(size, kernel, stride, padding) = floor((size + 2 padding - kernel) / stride) + 1 (Conv2d)."""
    verify_untouched()
    ex = "conv_out_size"
    for size, k, s, p in _grid(hidden):
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
    for size, k, s, p in _grid(hidden):
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


def _conv64_generator_count(latent_dim: int, channels: int) -> int:
    count = latent_dim * 8192 + 8192
    for c_in, c_out in ((128, 64), (64, 32), (32, 16)):
        count += c_in * c_out * 16 + c_out + 2 * c_out
    return count + 16 * channels * 9 + channels


def check_conv64_generator(Conv64Generator, hidden: bool = False) -> None:  # noqa: N803
    """Conv64Generator(latent_dim, channels): z -> Linear -> (128, 8, 8) -> three up-blocks -> (channels, 64, 64), tanh."""
    verify_untouched()
    ex = "Conv64Generator"
    for latent_dim, channels in ((64, 1), (100, 3)) if hidden else ((100, 1), (16, 1)):
        torch.manual_seed(latent_dim)
        generator = instantiate(ex, Conv64Generator, latent_dim, channels)
        expect(
            has_layer(generator, nn.BatchNorm2d),
            ex,
            "no BatchNorm2d: missing BatchNorm after the transposed convolutions",
            "each up-block is ConvTranspose2d(c_in, c_out, 4, 2, 1), BatchNorm2d(c_out), ReLU",
        )
        x = call(ex, generator, torch.randn(3, latent_dim))
        if x.shape[-1] != 64:
            raise fail(
                ex,
                f"output shape {tuple(x.shape)}: the spatial size is {x.shape[-1]}, not 64; the last layer must keep the size",
                "8 -> 16 -> 32 -> 64 with (kernel 4, stride 2, padding 1) blocks, then ConvTranspose2d(16, channels, 3, 1, 1)",
            )
        expect(
            tuple(x.shape) == (3, channels, 64, 64),
            ex,
            f"output shape {tuple(x.shape)}, expected (3, {channels}, 64, 64)",
            "reshape the Linear output to (N, 128, 8, 8) and end with `channels` output maps",
        )
        expect_tanh_range(x, ex)
        count, ref = count_parameters(generator), _conv64_generator_count(latent_dim, channels)
        expect(
            count == ref,
            ex,
            f"{count:,} parameters with latent_dim={latent_dim}, channels={channels}; expected {ref:,}",
            "follow the layer table: Linear(latent_dim, 128*8*8), up-blocks 128->64->32->16, ConvTranspose2d(16, channels, 3, 1, 1)",
        )


def check_conv64_discriminator(Conv64Discriminator, hidden: bool = False) -> None:  # noqa: N803
    """Conv64Discriminator(channels): four Conv2d(3, 2, 1) + LeakyReLU(0.2) + Dropout2d blocks, Flatten, Linear(2048, 1)."""
    verify_untouched()
    ex = "Conv64Discriminator"
    for channels in (3, 1) if hidden else (1,):
        torch.manual_seed(channels)
        discriminator = instantiate(ex, Conv64Discriminator, channels)
        for n in (2, 5):
            try:
                logits = call(ex, discriminator, torch.randn(n, channels, 64, 64))
            except RuntimeError as err:
                if "mat1 and mat2" in str(err):
                    raise fail(
                        ex,
                        f"wrong flatten size: the Linear layer does not match the flattened features ({err})",
                        "after four stride-2 convolutions 64 -> 32 -> 16 -> 8 -> 4, so the Linear takes 128 * 4 * 4 = 2048 inputs",
                    ) from err
                raise
            expect(
                tuple(logits.shape) == (n, 1),
                ex,
                f"output shape {tuple(logits.shape)}, expected ({n}, 1)",
                "end with nn.Flatten() and nn.Linear(128 * 4 * 4, 1)",
            )
        discriminator.eval()
        big = to_numpy(call(ex, discriminator, 50.0 * torch.randn(16, channels, 64, 64)))
        if has_layer(discriminator, nn.Sigmoid) or (big.min() >= 0.0 and big.max() <= 1.0):
            raise fail(
                ex,
                "the outputs are probabilities: a sigmoid at the end of the discriminator",
                "return logits; the loss applies the sigmoid (binary_cross_entropy_with_logits)",
            )
        count = count_parameters(discriminator)
        ref = channels * 16 * 9 + 16 + 16 * 32 * 9 + 32 + 32 * 64 * 9 + 64 + 64 * 128 * 9 + 128 + 2048 + 1
        expect(
            count == ref,
            ex,
            f"{count:,} parameters with channels={channels}, expected {ref:,}",
            "follow the layer table: Conv2d(c_in, c_out, 3, 2, 1) for 16, 32, 64, 128 maps, then Linear(2048, 1)",
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
    """init_weights(model) -> model: conv and transposed-conv weights ~ N(0, 0.02); BatchNorm weight ~ N(1, 0.02), bias 0."""
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
        if abs(w.std() - 0.02) > 0.003 and abs(w.std() - 0.2) < 0.03:
            raise fail(
                ex,
                f"{name} weights have std {w.std():.3f}: 0.2 instead of 0.02",
                "nn.init.normal_(m.weight, 0.0, 0.02)",
            )
        if abs(w.std() - 0.02) > 0.003 or abs(w.mean()) > 0.002:
            raise fail(
                ex,
                f"{name} weights have mean {w.mean():.4f} and std {w.std():.4f}, not N(0, 0.02): the {name} layers were not initialised",
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
            f"BatchNorm weight mean {w.mean():.3f} (std {w.std():.3f}), bias max {abs(b).max():.3f}: expected N(1, 0.02) and 0",
            "nn.init.normal_(m.weight, 1.0, 0.02); nn.init.zeros_(m.bias)",
        )


CHECKS = {
    "conv_out_size": check_conv_out_size,
    "conv_transpose_out_size": check_conv_transpose_out_size,
    "Conv64Generator": check_conv64_generator,
    "Conv64Discriminator": check_conv64_discriminator,
    "init_weights": check_init_weights,
}
