"""Checks of lesson 1, the MLP networks: MLPGenerator and MLPDiscriminator, compared by behaviour with their
layer tables (``_networks``) after checks of shape, output range and parameter count."""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks._networks import batch_norm, compare, expect_logits, find, randomize
from gan_lab.checks._torch_guard import (
    call_with,
    count_parameters,
    expect,
    expect_tanh_range,
    fail,
    has_layer,
    instantiate,
    verify_untouched,
)


def _mlp_generator_count(latent_dim: int, bias: bool) -> int:
    widths = [latent_dim, 256, 512, 1024]
    total = sum(a * b + (b if bias else 0) + 2 * b for a, b in zip(widths[:-1], widths[1:]))
    return total + 1024 * 784 + 784


GENERATOR_FIX = (
    "follow the layer table: [Linear, BatchNorm1d, ReLU] for 256, 512, 1024 units, then Linear(1024, 784), Tanh, "
    "reshaped to (N, 1, 28, 28)"
)


def _mlp_generator_forward(
    generator: nn.Module, latent_dim: int, ex: str, act=F.relu, bn_first: bool = True, out=torch.tanh, eps: float = 1e-5
):
    """The layer table's forward pass with the learner's own Linear and BatchNorm1d layers."""
    widths = [latent_dim, 256, 512, 1024]
    linears = [
        find(generator, nn.Linear, ex, GENERATOR_FIX, in_features=a, out_features=b) for a, b in zip(widths, widths[1:])
    ]
    norms = [find(generator, nn.BatchNorm1d, ex, GENERATOR_FIX, num_features=b) for b in widths[1:]]
    last = find(generator, nn.Linear, ex, GENERATOR_FIX, in_features=1024, out_features=784)

    def forward(z: torch.Tensor, training: bool) -> torch.Tensor:
        x = z
        for linear, norm in zip(linears, norms):
            x = F.linear(x, linear.weight, linear.bias)  # (N, h)
            x = act(batch_norm(norm, x, training, eps)) if bn_first else batch_norm(norm, act(x), training, eps)
        return out(F.linear(x, last.weight, last.bias)).view(z.shape[0], 1, 28, 28)

    return forward


def check_mlp_generator(MLPGenerator, hidden: bool = False) -> None:
    """MLPGenerator(latent_dim): z (N, latent_dim) -> images (N, 1, 28, 28) in [-1, 1]; [Linear, BatchNorm1d,
    ReLU] x (256, 512, 1024), Linear(1024, 784), Tanh. Compared by behaviour with that table."""
    verify_untouched()
    ex = "MLPGenerator"
    for latent_dim in (100, 12) if hidden else (100, 16):
        torch.manual_seed(latent_dim)
        generator = instantiate(ex, MLPGenerator, latent_dim)
        expect(
            isinstance(generator, nn.Module),
            ex,
            "MLPGenerator(...) is not an nn.Module",
            "subclass nn.Module and call super().__init__()",
        )
        expect(
            has_layer(generator, nn.BatchNorm1d),
            ex,
            "no BatchNorm1d layer: missing BatchNorm in the hidden layers",
            "add nn.BatchNorm1d(h) after each hidden nn.Linear (before the ReLU)",
        )
        for n in (3, 9) if hidden else (2, 5):
            x = call_with(
                [
                    (
                        ("mat1 and mat2",),
                        f"with latent_dim={latent_dim} the first layer rejects z: a hard-coded latent size",
                        "build the first nn.Linear with latent_dim inputs, not a hard-coded 100",
                    )
                ],
                ex,
                generator,
                torch.randn(n, latent_dim),
            )
            if tuple(x.shape) == (n, 784):
                raise fail(
                    ex,
                    "output shape (N, 784): the flat vector was not reshaped into images",
                    "end forward with .view(z.shape[0], 1, 28, 28)",
                )
            expect(
                tuple(x.shape) == (n, 1, 28, 28),
                ex,
                f"output shape {tuple(x.shape)} for {n} noise vectors",
                "return (N, 1, 28, 28)",
            )
            expect_tanh_range(x, ex)
        count = count_parameters(generator)
        allowed = {_mlp_generator_count(latent_dim, False), _mlp_generator_count(latent_dim, True)}
        expect(
            count in allowed,
            ex,
            f"{count:,} parameters with latent_dim={latent_dim}, expected {min(allowed):,} (hidden widths 256, 512, 1024, BatchNorm1d each, Linear(1024, 784))",
            "follow the layer table of the exercise",
        )
        randomize(generator, latent_dim)
        ref = functools.partial(_mlp_generator_forward, generator, latent_dim, ex)
        eps = next((m.eps for m in generator.modules() if isinstance(m, nn.BatchNorm1d)), 1e-5)
        variants = [
            (
                ref(eps=eps),
                f"BatchNorm with eps={eps}: nn.BatchNorm1d(h, 0.8) sets eps (the second argument), not the momentum",
                "nn.BatchNorm1d(h) (or momentum=... by keyword)",
            ),
            (
                ref(bn_first=False),
                "BatchNorm after the activation: the table normalises the Linear output, then applies ReLU",
                "order each hidden block Linear -> BatchNorm1d -> ReLU",
            ),
            (
                ref(act=lambda x: F.leaky_relu(x, 0.2)),
                "LeakyReLU in the generator: the table uses plain ReLU there",
                "use nn.ReLU() in the generator's hidden layers (LeakyReLU belongs to the discriminator)",
            ),
            (
                ref(act=lambda x: x),
                "no activation in the hidden layers: the stacked Linear layers collapse into one linear map",
                "add nn.ReLU() after each BatchNorm1d",
            ),
            (ref(out=torch.sigmoid), "a sigmoid instead of tanh on the output", "end with nn.Tanh()"),
            (ref(out=lambda x: x), "no tanh on the output layer", "end with nn.Tanh()"),
        ]
        z = torch.randn(6, latent_dim, generator=torch.Generator().manual_seed(latent_dim))
        compare(ex, generator, z, ref(), variants, GENERATOR_FIX)


DISCRIMINATOR_FIX = "follow the layer table: Flatten, Linear(784, 512), LeakyReLU(0.2), Linear(512, 256), LeakyReLU(0.2), Linear(256, 1)"


def _mlp_discriminator_forward(discriminator: nn.Module, ex: str, act=None, out=lambda x: x):
    """The layer table's forward pass with the learner's own Linear layers."""
    act = act or (lambda x: F.leaky_relu(x, 0.2))
    widths = [784, 512, 256, 1]
    linears = [
        find(discriminator, nn.Linear, ex, DISCRIMINATOR_FIX, in_features=a, out_features=b)
        for a, b in zip(widths, widths[1:])
    ]

    def forward(x: torch.Tensor, training: bool) -> torch.Tensor:
        h = x.flatten(1)  # (N, 784)
        for i, linear in enumerate(linears):
            h = F.linear(h, linear.weight, linear.bias)
            h = act(h) if i < len(linears) - 1 else out(h)
        return h  # (N, 1)

    return forward


def check_mlp_discriminator(MLPDiscriminator, hidden: bool = False) -> None:
    """MLPDiscriminator(): images (N, 1, 28, 28) -> logits (N, 1); 784 -> 512 -> 256 -> 1 with LeakyReLU(0.2),
    compared by behaviour with that table."""
    verify_untouched()
    ex = "MLPDiscriminator"
    torch.manual_seed(3 if hidden else 1)
    discriminator = instantiate(ex, MLPDiscriminator)
    expect(isinstance(discriminator, nn.Module), ex, "MLPDiscriminator() is not an nn.Module", "subclass nn.Module")
    flatten_hint = (
        ("mat1 and mat2", "shape"),
        "the images were not flattened before the first Linear",
        "start with nn.Flatten() (N, 1, 28, 28) -> (N, 784), then nn.Linear(784, 512)",
    )
    if has_layer(discriminator, nn.modules.batchnorm._BatchNorm):
        raise fail(ex, "BatchNorm in the discriminator, which the layer table does not have", DISCRIMINATOR_FIX)
    for n in (1, 6, 33) if hidden else (1, 4, 64):
        logits = call_with([flatten_hint], ex, discriminator, torch.randn(n, 1, 28, 28))
        if tuple(logits.shape) == (n,):
            raise fail(
                ex, f"output shape ({n},): the logit dimension was squeezed", "return (N, 1), one logit per image"
            )
        expect(
            tuple(logits.shape) == (n, 1),
            ex,
            f"output shape {tuple(logits.shape)} for {n} images",
            "return one logit per image, shape (N, 1)",
        )
    expect_logits(ex, discriminator, 40.0 * torch.randn(64, 1, 28, 28))
    count = count_parameters(discriminator)
    expect(
        count == 533_505,
        ex,
        f"{count:,} parameters, expected 533,505 (784 -> 512 -> 256 -> 1)",
        "follow the layer table of the exercise",
    )
    randomize(discriminator, 5 if hidden else 2)
    ref = functools.partial(_mlp_discriminator_forward, discriminator, ex)
    variants = [
        (
            ref(act=F.relu),
            "no LeakyReLU: plain ReLU units in the discriminator pass no gradient for negative inputs",
            "use nn.LeakyReLU(0.2) after each hidden Linear",
        ),
        (
            ref(act=lambda x: F.leaky_relu(x, 0.01)),
            "LeakyReLU slope 0.01 (nn.LeakyReLU()'s default) instead of 0.2",
            "nn.LeakyReLU(0.2)",
        ),
        (ref(act=lambda x: F.leaky_relu(x, 0.1)), "LeakyReLU slope 0.1 instead of 0.2", "nn.LeakyReLU(0.2)"),
        (
            ref(act=lambda x: x),
            "no activation between the Linear layers: they collapse into one linear map",
            "add nn.LeakyReLU(0.2) after each hidden Linear",
        ),
        (
            ref(out=lambda x: F.leaky_relu(x, 0.2)),
            "a LeakyReLU after the last Linear: the logit must be the raw output",
            "end with nn.Linear(256, 1) and nothing after it",
        ),
    ]
    x = torch.randn(8, 1, 28, 28, generator=torch.Generator().manual_seed(9))
    compare(ex, discriminator, x, ref(), variants, DISCRIMINATOR_FIX)
