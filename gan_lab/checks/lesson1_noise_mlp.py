"""Checks of lesson 1, noise and MLP building blocks: sample_z, MLPGenerator, MLPDiscriminator, scale_images."""

from __future__ import annotations

import torch
from torch import nn

from gan_lab.checks._torch_guard import (
    call,
    close,
    count_parameters,
    expect,
    expect_tanh_range,
    fail,
    has_layer,
    instantiate,
    to_numpy,
    verify_untouched,
)

META = torch.device("meta")


def check_sample_z(sample_z, hidden: bool = False) -> None:
    """sample_z(batch_size, latent_dim, device="cpu") -> z ~ N(0, I), shape (batch_size, latent_dim)."""
    verify_untouched()
    ex = "sample_z"
    sizes = [(3, 5), (128, 64), (2, 1)] if hidden else [(1, 2), (7, 100), (64, 16)]
    for n, d in sizes:
        z = call(ex, sample_z, n, d)
        expect(isinstance(z, torch.Tensor), ex, f"returned {type(z).__name__}, not a tensor", "return torch.randn(...)")
        if tuple(z.shape) == (d, n) and n != d:
            raise fail(
                ex,
                f"shape {tuple(z.shape)} for batch_size={n}, latent_dim={d}: batch_size and latent_dim are swapped",
                "the batch comes first: torch.randn(batch_size, latent_dim, ...)",
            )
        expect(
            tuple(z.shape) == (n, d),
            ex,
            f"shape {tuple(z.shape)} for batch_size={n}, latent_dim={d}",
            "return shape (batch_size, latent_dim)",
        )
        expect(z.dtype == torch.float32, ex, f"dtype {z.dtype}", "keep torch's default float32")
    z = call(ex, sample_z, 4, 8, device=META)
    expect(
        z.device.type == "meta",
        ex,
        f"asked for device 'meta', got a tensor on {z.device}: the device argument is ignored",
        "pass device=device to torch.randn so z is created where the models are",
    )
    torch.manual_seed(11 if hidden else 0)
    big = to_numpy(call(ex, sample_z, 20000, 8))
    if big.min() >= 0.0:
        raise fail(
            ex,
            "all values are >= 0: this is uniform noise (torch.rand) in [0, 1)",
            "draw standard normal noise with torch.randn",
        )
    expect(
        abs(big.mean()) < 0.03 and 0.97 < big.std() < 1.03,
        ex,
        f"mean {big.mean():.3f}, std {big.std():.3f}: not a standard normal",
        "use torch.randn without scaling or shifting",
    )
    torch.manual_seed(5)
    a = to_numpy(call(ex, sample_z, 6, 3))
    b = to_numpy(call(ex, sample_z, 6, 3))
    expect(
        not close(a, b),
        ex,
        "two calls in a row returned the same z: sample_z reseeds the random generator itself",
        "do not call torch.manual_seed inside sample_z; the caller seeds once",
    )
    torch.manual_seed(5)
    c = to_numpy(call(ex, sample_z, 6, 3))
    expect(
        close(a, c),
        ex,
        "torch.manual_seed does not make sample_z repeatable",
        "draw from torch's global generator (torch.randn), not numpy or python's random",
    )


def _mlp_generator_count(latent_dim: int, bias: bool) -> int:
    widths = [latent_dim, 256, 512, 1024]
    total = sum(a * b + (b if bias else 0) + 2 * b for a, b in zip(widths[:-1], widths[1:]))
    return total + 1024 * 784 + 784


def check_mlp_generator(MLPGenerator, hidden: bool = False) -> None:  # noqa: N803
    """MLPGenerator(latent_dim): z (N, latent_dim) -> images (N, 1, 28, 28) in [-1, 1], with BatchNorm1d."""
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
            try:
                x = call(ex, generator, torch.randn(n, latent_dim))
            except RuntimeError as err:
                if "mat1 and mat2" in str(err):
                    raise fail(
                        ex,
                        f"with latent_dim={latent_dim} the first layer rejects z ({err})",
                        "build the first nn.Linear with latent_dim inputs, not a hard-coded 100",
                    ) from err
                raise
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


def check_mlp_discriminator(MLPDiscriminator, hidden: bool = False) -> None:  # noqa: N803
    """MLPDiscriminator(): images (N, 1, 28, 28) -> logits (N, 1); 784 -> 512 -> 256 -> 1 with LeakyReLU(0.2)."""
    verify_untouched()
    ex = "MLPDiscriminator"
    torch.manual_seed(3 if hidden else 1)
    discriminator = instantiate(ex, MLPDiscriminator)
    expect(isinstance(discriminator, nn.Module), ex, "MLPDiscriminator() is not an nn.Module", "subclass nn.Module")
    for n in (1, 6, 33) if hidden else (1, 4, 64):
        x = torch.randn(n, 1, 28, 28)
        try:
            logits = call(ex, discriminator, x)
        except RuntimeError as err:
            if "mat1 and mat2" in str(err) or "shape" in str(err):
                raise fail(
                    ex,
                    f"the images were not flattened before the first Linear ({str(err)[:80]})",
                    "start with nn.Flatten() (N, 1, 28, 28) -> (N, 784), then nn.Linear(784, 512)",
                ) from err
            raise
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
    big = to_numpy(call(ex, discriminator, 40.0 * torch.randn(64, 1, 28, 28)))
    if has_layer(discriminator, nn.Sigmoid) or (big.min() >= 0.0 and big.max() <= 1.0):
        raise fail(
            ex,
            "the outputs are probabilities: a sigmoid at the end of the discriminator",
            "return raw logits (no nn.Sigmoid): the losses use binary_cross_entropy_with_logits",
        )
    if not has_layer(discriminator, nn.LeakyReLU):
        raise fail(
            ex,
            "no LeakyReLU: plain ReLU units in the discriminator pass no gradient for negative inputs",
            "use nn.LeakyReLU(0.2) after each hidden Linear",
        )
    count = count_parameters(discriminator)
    expect(
        count == 533_505,
        ex,
        f"{count:,} parameters, expected 533,505 (784 -> 512 -> 256 -> 1)",
        "follow the layer table of the exercise",
    )


def check_scale_images(scale_images, hidden: bool = False) -> None:
    """scale_images(images uint8 in 0..255) -> float32 in [-1, 1] (0 -> -1, 255 -> 1), same shape."""
    verify_untouched()
    ex = "scale_images"
    gen = torch.Generator().manual_seed(7 if hidden else 2)
    for shape in ((5, 28, 28), (2, 1, 8, 8)) if hidden else ((3, 28, 28), (1, 1, 28, 28)):
        images = torch.randint(0, 256, shape, generator=gen, dtype=torch.uint8)
        images.view(-1)[0], images.view(-1)[1] = 0, 255
        x = call(ex, scale_images, images.clone())
        expect(
            isinstance(x, torch.Tensor) and tuple(x.shape) == shape,
            ex,
            f"returned shape {tuple(getattr(x, 'shape', ()))}, expected {shape}",
            "scale element-wise, keep the shape",
        )
        expect(
            x.dtype == torch.float32,
            ex,
            f"dtype {x.dtype}: arithmetic on uint8 wraps around",
            "convert first: images.float()",
        )
        v, ref = to_numpy(x), to_numpy(images.double()) / 127.5 - 1.0
        if close(v, (ref + 1.0) / 2.0):
            raise fail(
                ex,
                "values are in [0, 1]: you divided by 255 but did not map to [-1, 1]",
                "use images.float() / 127.5 - 1 (the range of the generator's tanh)",
            )
        if close(v, ref / 2.0):
            raise fail(
                ex, "values are in [-0.5, 0.5]: (x - 127.5) / 255 halves the range", "use images.float() / 127.5 - 1"
            )
        expect(
            close(v, ref),
            ex,
            f"0 -> {v.flat[0]:.3f} and 255 -> {v.flat[1]:.3f}, expected -1 and 1",
            "use images.float() / 127.5 - 1",
        )


CHECKS = {
    "sample_z": check_sample_z,
    "MLPGenerator": check_mlp_generator,
    "MLPDiscriminator": check_mlp_discriminator,
    "scale_images": check_scale_images,
}
