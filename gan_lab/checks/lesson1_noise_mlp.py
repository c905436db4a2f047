"""Checks of lesson 1, noise and data: sample_z (a distribution test) and scale_images; ``lesson1_networks``
holds MLPGenerator and MLPDiscriminator."""

from __future__ import annotations

import numpy as np
import scipy.special
import torch

from gan_lab.checks._sweep import shapes, smallest_failure
from gan_lab.checks._torch_guard import (
    call,
    close,
    expect,
    fail,
    to_numpy,
    verify_untouched,
)
from gan_lab.checks.lesson1_networks import check_mlp_discriminator, check_mlp_generator

META = torch.device("meta")
KS_LIMIT = 0.006  # Kolmogorov-Smirnov distance of 160,000 draws: 1.6 times the 1-in-a-million critical value


def _expect_standard_normal(ex: str, sample_z, seed: int) -> None:
    """z ~ N(0, I): the marginal by a Kolmogorov-Smirnov distance, the joint by the correlations (seeded: no luck)."""
    torch.manual_seed(seed)
    z = to_numpy(call(ex, sample_z, 20000, 8))  # (20000, 8)
    if np.allclose(z, z[:1]):
        raise fail(
            ex,
            "every row of z is the same vector: one noise vector repeated over the batch",
            "draw batch_size x latent_dim independent values: torch.randn(batch_size, latent_dim)",
        )
    if z.min() >= 0.0:
        raise fail(
            ex,
            "all values are >= 0: this is uniform noise (torch.rand) in [0, 1)",
            "draw standard normal noise with torch.randn",
        )
    corr = np.corrcoef(z, rowvar=False)
    off = np.abs(corr - np.eye(8)).max()
    expect(
        off < 0.05,
        ex,
        f"the latent dimensions are correlated (|correlation| up to {off:.2f}): some columns of z copy others",
        "draw every entry independently: torch.randn(batch_size, latent_dim)",
    )
    values = np.sort(z.ravel())
    cdf = scipy.special.ndtr(values)
    n = len(values)
    ks = float(max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n)))
    if ks > KS_LIMIT:
        shape = "uniform" if values[-1] - values[0] < 4.0 else "not normal"
        raise fail(
            ex,
            f"the values are not standard normal (mean {z.mean():.3f}, std {z.std():.3f}, Kolmogorov-Smirnov "
            f"distance {ks:.3f} from N(0, 1), the shape looks {shape})",
            "use torch.randn without scaling, shifting or clamping",
        )


def check_sample_z(sample_z, hidden: bool = False) -> None:
    """sample_z(batch_size, latent_dim, device="cpu") -> z ~ N(0, I), shape (batch_size, latent_dim), independent
    entries, new values on every call, repeatable under torch.manual_seed."""
    verify_untouched()
    ex = "sample_z"
    sizes = [(3, 5), (128, 64), (2, 1)] if hidden else [(1, 2), (7, 100), (64, 16)]

    def wrong_shape(shape: tuple[int, int]) -> bool:
        try:
            z = call(ex, sample_z, *shape)
        except AssertionError:
            return True
        return not isinstance(z, torch.Tensor) or tuple(z.shape) != shape

    smallest = smallest_failure(shapes(), wrong_shape)  # e.g. a .squeeze() that fails at batch_size 1 only
    sizes = ([smallest] if smallest else []) + sizes
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
    _expect_standard_normal(ex, sample_z, 11 if hidden else 0)
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


def check_scale_images(scale_images, hidden: bool = False) -> None:
    """scale_images(images uint8 in 0..255) -> float32 in [-1, 1] (0 -> -1, 255 -> 1), same shape."""
    verify_untouched()
    ex = "scale_images"
    gen = torch.Generator().manual_seed(7 if hidden else 2)
    for shape in ((5, 28, 28), (2, 1, 8, 8)) if hidden else ((3, 28, 28), (1, 1, 28, 28)):
        images = torch.randint(0, 256, shape, generator=gen, dtype=torch.uint8)
        images.view(-1)[0], images.view(-1)[1] = 0, 255
        given = images.clone()
        x = call(ex, scale_images, given)
        expect(
            torch.equal(given, images),
            ex,
            "the input images were changed in place",
            "return a new tensor (images.float() / 127.5 - 1) and leave the input as it is",
        )
        expect(
            isinstance(x, torch.Tensor) and tuple(x.shape) == shape,
            ex,
            f"returned shape {tuple(getattr(x, 'shape', ()))}, expected {shape}",
            "scale element-wise, keep the shape",
        )
        if x.dtype == torch.uint8:
            raise fail(
                ex,
                "the result is still uint8: arithmetic on uint8 wraps around (0 - 1 gives 255, 255 * 2 gives 254) "
                "and cannot hold negative or fractional values",
                "convert before any arithmetic: images.float() / 127.5 - 1",
            )
        if not x.dtype.is_floating_point:
            raise fail(
                ex,
                f"dtype {x.dtype}: integer arithmetic (e.g. // or an integer tensor) cannot hold values in [-1, 1]",
                "convert first and use true division: images.float() / 127.5 - 1",
            )
        expect(
            x.dtype == torch.float32,
            ex,
            f"dtype {x.dtype}: the images must be float32 like the models' weights",
            "images.float() (not .double()) / 127.5 - 1",
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
