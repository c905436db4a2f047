"""Checks of lesson 4, a convolutional GAN at 64x64: output-size arithmetic, Conv64Generator,
Conv64Discriminator (the course's conv64 design) and the DCGAN weight initialisation."""

from __future__ import annotations

import functools
import math

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks._networks import compare, expect_logits, find, randomize
from gan_lab.checks._sweep import conv_cases, smallest_failure
from gan_lab.checks._torch_guard import (
    call,
    call_with,
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


def _cases(ex: str, fn, reference, hidden: bool) -> list[tuple[int, int, int, int]]:  # noqa: ANN001
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


def _conv64_generator_count(latent_dim: int, channels: int) -> int:
    count = latent_dim * 8192 + 8192
    for c_in, c_out in ((128, 64), (64, 32), (32, 16)):
        count += c_in * c_out * 16 + c_out + 2 * c_out
    return count + 16 * channels * 9 + channels


GENERATOR_FIX = (
    "follow the layer table: Linear(latent_dim, 128*8*8) reshaped to (N, 128, 8, 8); up-blocks "
    "[ConvTranspose2d(c_in, c_out, 4, 2, 1), BatchNorm2d(c_out), ReLU] for 128->64->32->16; "
    "ConvTranspose2d(16, channels, 3, 1, 1); Tanh"
)
DISCRIMINATOR_FIX = (
    "follow the layer table: blocks [Conv2d(c_in, c_out, 3, 2, 1), LeakyReLU(0.2), Dropout2d(0.3)] for "
    "channels->16->32->64->128, then Flatten and Linear(2048, 1)"
)


def _generator_forward(
    g: nn.Module, latent_dim: int, channels: int, ex: str, act=F.relu, bn_first: bool = True, out=torch.tanh
):  # noqa: ANN001, E501
    """The layer table's forward pass with the learner's own layers."""
    project = find(g, nn.Linear, ex, GENERATOR_FIX, in_features=latent_dim, out_features=8192)
    ups = [
        find(g, nn.ConvTranspose2d, ex, GENERATOR_FIX, in_channels=a, out_channels=b)
        for a, b in ((128, 64), (64, 32), (32, 16))
    ]
    norms = [find(g, nn.BatchNorm2d, ex, GENERATOR_FIX, num_features=b) for b in (64, 32, 16)]
    last = find(g, nn.ConvTranspose2d, ex, GENERATOR_FIX, in_channels=16, out_channels=channels)

    def forward(z: torch.Tensor, training: bool) -> torch.Tensor:
        x = F.linear(z, project.weight, project.bias).view(-1, 128, 8, 8)  # (N, 128, 8, 8)
        for up, norm in zip(ups, norms):
            norm.train(training)
            x = F.conv_transpose2d(x, up.weight, up.bias, stride=2, padding=1)  # doubles the size
            x = act(norm(x)) if bn_first else norm(act(x))
        return out(F.conv_transpose2d(x, last.weight, last.bias, stride=1, padding=1))  # (N, channels, 64, 64)

    return forward


def check_conv64_generator(Conv64Generator, hidden: bool = False) -> None:  # noqa: N803
    """Conv64Generator(latent_dim, channels): z -> Linear -> (128, 8, 8) -> three up-blocks -> (channels, 64, 64), tanh;
    compared by behaviour with the layer table."""
    verify_untouched()
    ex = "Conv64Generator"
    for latent_dim, channels in ((64, 1), (100, 3)) if hidden else ((100, 1), (16, 3)):
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
        if tuple(x.shape) == (3, 1, 64, 64) and channels != 1:
            raise fail(
                ex,
                f"one output map with channels={channels}: the channels argument is ignored",
                "end with ConvTranspose2d(16, channels, 3, 1, 1)",
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
            GENERATOR_FIX,
        )
        randomize(generator, latent_dim)
        ref_fn = functools.partial(_generator_forward, generator, latent_dim, channels, ex)
        variants = [
            (
                ref_fn(bn_first=False),
                "BatchNorm after the activation: each up-block is ConvTranspose2d -> BatchNorm2d -> ReLU",
                "put BatchNorm2d right after each ConvTranspose2d, then ReLU",
            ),
            (
                ref_fn(act=lambda x: F.leaky_relu(x, 0.2)),
                "LeakyReLU in the generator: the table uses plain ReLU there",
                "nn.ReLU() in the generator's up-blocks",
            ),
            (ref_fn(out=torch.sigmoid), "a sigmoid instead of tanh on the output", "end with nn.Tanh()"),
            (
                ref_fn(act=lambda x: x),
                "no ReLU in the up-blocks: the transposed convolutions collapse into one linear map",
                "add nn.ReLU() after each BatchNorm2d",
            ),
        ]
        z = torch.randn(2, latent_dim, generator=torch.Generator().manual_seed(3))
        compare(ex, generator, z, ref_fn(), variants, GENERATOR_FIX)


def _discriminator_forward(d: nn.Module, channels: int, ex: str, slope: float = 0.2, drop=F.dropout2d, p: float = 0.3):  # noqa: ANN001, E501
    convs = [
        find(d, nn.Conv2d, ex, DISCRIMINATOR_FIX, in_channels=a, out_channels=b)
        for a, b in ((channels, 16), (16, 32), (32, 64), (64, 128))
    ]
    linear = find(d, nn.Linear, ex, DISCRIMINATOR_FIX, in_features=2048, out_features=1)

    def forward(x: torch.Tensor, training: bool) -> torch.Tensor:
        for conv in convs:
            x = F.conv2d(x, conv.weight, conv.bias, stride=2, padding=1)  # halves the size
            x = drop(F.leaky_relu(x, slope), p, training)
        return F.linear(x.flatten(1), linear.weight, linear.bias)  # (N, 2048) -> (N, 1)

    return forward


def check_conv64_discriminator(Conv64Discriminator, hidden: bool = False) -> None:  # noqa: N803
    """Conv64Discriminator(channels): four Conv2d(3, 2, 1) + LeakyReLU(0.2) + Dropout2d(0.3) blocks, Flatten,
    Linear(2048, 1); compared by behaviour (dropout under a fixed seed in training mode)."""
    verify_untouched()
    ex = "Conv64Discriminator"
    flatten_hint = (
        ("mat1 and mat2",),
        "wrong flatten size: the Linear layer does not match the flattened features",
        "after four stride-2 convolutions 64 -> 32 -> 16 -> 8 -> 4, so the Linear takes 128 * 4 * 4 = 2048 inputs",
    )
    for channels in (3, 1) if hidden else (1, 3):
        torch.manual_seed(channels)
        discriminator = instantiate(ex, Conv64Discriminator, channels)
        for n in (2, 5):
            logits = call_with(
                [
                    flatten_hint,
                    (
                        ("expected input", "channels"),
                        f"with channels={channels} the first convolution rejects the images: the channels argument is ignored",
                        "build the first Conv2d with `channels` input maps",
                    ),
                ],
                ex,
                discriminator,
                torch.randn(n, channels, 64, 64),
            )
            expect(
                tuple(logits.shape) == (n, 1),
                ex,
                f"output shape {tuple(logits.shape)}, expected ({n}, 1)",
                "end with nn.Flatten() and nn.Linear(128 * 4 * 4, 1)",
            )
        expect_logits(ex, discriminator, 50.0 * torch.randn(16, channels, 64, 64))
        count = count_parameters(discriminator)
        ref = channels * 16 * 9 + 16 + 16 * 32 * 9 + 32 + 32 * 64 * 9 + 64 + 64 * 128 * 9 + 128 + 2048 + 1
        expect(count == ref, ex, f"{count:,} parameters with channels={channels}, expected {ref:,}", DISCRIMINATOR_FIX)
        randomize(discriminator, channels + (7 if hidden else 0))
        ref_fn = functools.partial(_discriminator_forward, discriminator, channels, ex)
        variants = [
            (
                ref_fn(drop=F.dropout),
                "nn.Dropout drops single pixels where the table's Dropout2d drops whole feature maps",
                "nn.Dropout2d(0.3)",
            ),
            (ref_fn(p=0.5), "dropout rate 0.5 (nn.Dropout2d()'s default) instead of 0.3", "nn.Dropout2d(0.3)"),
            (ref_fn(slope=0.01), "LeakyReLU slope 0.01 (nn.LeakyReLU()'s default) instead of 0.2", "nn.LeakyReLU(0.2)"),
            (ref_fn(slope=0.0), "plain ReLU units where the table has LeakyReLU(0.2)", "nn.LeakyReLU(0.2)"),
            (ref_fn(slope=0.1), "LeakyReLU slope 0.1 instead of 0.2", "nn.LeakyReLU(0.2)"),
        ]
        x = torch.randn(3, channels, 64, 64, generator=torch.Generator().manual_seed(4))
        compare(ex, discriminator, x, ref_fn(), variants, DISCRIMINATOR_FIX, dropout=True)


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
