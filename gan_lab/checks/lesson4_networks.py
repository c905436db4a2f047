"""Checks of lesson 4, the conv64 networks: Conv64Generator and Conv64Discriminator, compared by behaviour
with their layer tables (``_networks``), dropout included, for one and three channels."""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks._networks import batch_norm, compare, expect_logits, find, randomize
from gan_lab.checks._torch_guard import (
    call,
    call_with,
    count_parameters,
    expect,
    expect_tanh_range,
    fail,
    has_layer,
    instantiate,
    verify_untouched,
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
    g: nn.Module,
    latent_dim: int,
    channels: int,
    ex: str,
    act=F.relu,
    bn_first: bool = True,
    out=torch.tanh,
    eps: float = 1e-5,
):
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
            x = F.conv_transpose2d(x, up.weight, up.bias, stride=2, padding=1)  # doubles the size
            x = act(batch_norm(norm, x, training, eps)) if bn_first else batch_norm(norm, act(x), training, eps)
        return out(F.conv_transpose2d(x, last.weight, last.bias, stride=1, padding=1))  # (N, channels, 64, 64)

    return forward


def check_conv64_generator(Conv64Generator, hidden: bool = False) -> None:
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
        eps = next((m.eps for m in generator.modules() if isinstance(m, nn.BatchNorm2d)), 1e-5)
        variants = [
            (
                ref_fn(eps=eps),
                f"BatchNorm with eps={eps}: nn.BatchNorm2d(c, 0.8) sets eps (the second argument), not the momentum",
                "nn.BatchNorm2d(c) (or momentum=... by keyword)",
            ),
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


def _discriminator_forward(d: nn.Module, channels: int, ex: str, slope: float = 0.2, drop=F.dropout2d, p: float = 0.3):
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


def check_conv64_discriminator(Conv64Discriminator, hidden: bool = False) -> None:
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
