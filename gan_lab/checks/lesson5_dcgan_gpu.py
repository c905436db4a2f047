"""Checks of lesson 5, DCGAN on a GPU with device-agnostic code: fixed_noise, build_dcgan, to_unit_cpu.

Device handling is tested on PyTorch's 'meta' device (shapes without data), which exists on every
machine: code that hard-codes .cuda() or forgets .to(device) fails there exactly as it would on a GPU.
"""

from __future__ import annotations

import torch

from gan_lab.checks._torch_guard import call, close, expect, fail, to_numpy, verify_untouched
from gan_lab.models import DCGANDiscriminator, DCGANGenerator

META = torch.device("meta")


def check_fixed_noise(fixed_noise, hidden: bool = False) -> None:
    """fixed_noise(n, latent_dim, device, seed): the same z for a seed on every device, global RNG untouched."""
    verify_untouched()
    ex = "fixed_noise"
    for n, d, seed in ((5, 7, 3), (64, 100, 1234)) if hidden else ((4, 100, 0), (16, 8, 42)):
        torch.manual_seed(999)
        state = torch.get_rng_state()
        z = call(ex, fixed_noise, n, d, "cpu", seed)
        if not torch.equal(state, torch.get_rng_state()):
            raise fail(
                ex,
                "calling fixed_noise changed torch's global random state: torch.manual_seed inside it resets the randomness of the whole program",
                "draw from a private generator: torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed))",
            )
        expect(
            isinstance(z, torch.Tensor) and tuple(z.shape) == (n, d),
            ex,
            f"shape {tuple(getattr(z, 'shape', ()))}, expected ({n}, {d})",
            "torch.randn(n, latent_dim, generator=...)",
        )
        ref = torch.randn(n, d, generator=torch.Generator().manual_seed(seed))
        again = call(ex, fixed_noise, n, d, "cpu", seed)
        expect(
            close(z, again),
            ex,
            "two calls with the same seed gave different noise: the seed is not used",
            "torch.Generator().manual_seed(seed)",
        )
        expect(
            not close(z, call(ex, fixed_noise, n, d, "cpu", seed + 1)),
            ex,
            "different seeds gave the same noise",
            "seed the generator with the seed argument",
        )
        expect(
            close(z, ref),
            ex,
            "the noise differs from torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed)) drawn on the CPU",
            "draw on the CPU with a seeded torch.Generator, then .to(device): the same z on every device",
        )
    z = call(ex, fixed_noise, 3, 5, META, 0)
    expect(z.device.type == "meta", ex, f"asked for device 'meta', got {z.device}", "end with .to(device)")


def check_build_dcgan(build_dcgan, hidden: bool = False) -> None:
    """build_dcgan(latent_dim, channels, device) -> (generator, discriminator, opt_g, opt_d) on device, Adam(2e-4, (0.5, 0.999))."""
    verify_untouched()
    ex = "build_dcgan"
    for latent_dim, channels in ((64, 3),) if hidden else ((100, 1),):
        out = call(ex, build_dcgan, latent_dim, channels, META)
        expect(
            isinstance(out, (tuple, list)) and len(out) == 4,
            ex,
            "expected (generator, discriminator, opt_g, opt_d)",
            "return all four",
        )
        generator, discriminator, opt_g, opt_d = out
        expect(
            isinstance(generator, DCGANGenerator) and isinstance(discriminator, DCGANDiscriminator),
            ex,
            f"got {type(generator).__name__} and {type(discriminator).__name__}",
            "build gan_lab.models.DCGANGenerator(latent_dim, channels=channels) and DCGANDiscriminator(channels=channels)",
        )
        expect(
            generator.latent_dim == latent_dim
            and generator.net[-2].out_channels == channels
            and discriminator.net[0].in_channels == channels,
            ex,
            "latent_dim or channels not passed on",
            "DCGANGenerator(latent_dim, channels=channels), DCGANDiscriminator(channels=channels)",
        )
        devices = {p.device.type for m in (generator, discriminator) for p in m.parameters()}
        expect(
            devices == {"meta"},
            ex,
            f"asked for device 'meta', the models' parameters are on {sorted(devices)}: the models were not moved",
            "generator.to(device) and discriminator.to(device) before building the optimizers",
        )
        g_ids = {id(p) for p in generator.parameters()}
        d_ids = {id(p) for p in discriminator.parameters()}
        in_g = {id(p) for group in opt_g.param_groups for p in group["params"]}
        in_d = {id(p) for group in opt_d.param_groups for p in group["params"]}
        if in_g == d_ids or in_d == g_ids:
            raise fail(
                ex,
                "the optimizers are swapped: opt_g holds the discriminator's parameters (so each step updates the wrong network)",
                "opt_g = Adam(generator.parameters(), ...), opt_d = Adam(discriminator.parameters(), ...)",
            )
        expect(
            in_g == g_ids and in_d == d_ids,
            ex,
            "an optimizer does not hold exactly its network's parameters",
            "build each optimizer from its own network's .parameters() after moving it",
        )
        for name, opt in (("opt_g", opt_g), ("opt_d", opt_d)):
            expect(isinstance(opt, torch.optim.Adam), ex, f"{name} is {type(opt).__name__}", "use torch.optim.Adam")
            group = opt.param_groups[0]
            if tuple(group["betas"]) == (0.9, 0.999):
                raise fail(
                    ex,
                    f"{name} uses Adam's default betas (0.9, 0.999)",
                    "Radford et al. use beta1 = 0.5: betas=(0.5, 0.999)",
                )
            expect(
                abs(group["lr"] - 2e-4) < 1e-12 and tuple(group["betas"]) == (0.5, 0.999),
                ex,
                f"{name} has lr {group['lr']} and betas {group['betas']}",
                "lr=2e-4, betas=(0.5, 0.999)",
            )


def check_to_unit_cpu(to_unit_cpu, hidden: bool = False) -> None:
    """to_unit_cpu(images in [-1, 1] on any device) -> a detached float32 CPU tensor in [0, 1], for plotting and saving."""
    verify_untouched()
    ex = "to_unit_cpu"
    gen = torch.Generator().manual_seed(9 if hidden else 1)
    for shape in ((3, 3, 16, 16), (1, 1, 64, 64)) if hidden else ((4, 1, 8, 8), (2, 3, 64, 64)):
        x = (torch.rand(shape, generator=gen) * 2.2 - 1.1).requires_grad_()  # a little outside [-1, 1] too
        x_gen = x * 1.0  # as if it came out of a generator: part of a graph
        out = call(ex, to_unit_cpu, x_gen)
        expect(isinstance(out, torch.Tensor), ex, f"returned {type(out).__name__}", "return a tensor")
        expect(
            not out.requires_grad, ex, "the result still requires grad, so .numpy() and plotting fail", "call .detach()"
        )
        expect(
            out.device.type == "cpu" and out.dtype == torch.float32,
            ex,
            f"result on {out.device} with dtype {out.dtype}",
            "end with .float().cpu()",
        )
        ref = ((to_numpy(x) + 1.0) / 2.0).clip(0.0, 1.0)
        v = to_numpy(out)
        if close(v, (to_numpy(x) / 2.0).clip(0.0, 1.0)) or v.min() >= 0 and close(v, to_numpy(x).clip(0.0, 1.0)):
            raise fail(
                ex,
                "negative pixels were cut off instead of shifted: [-1, 1] maps to [0, 1] by (x + 1) / 2",
                "((images + 1) / 2).clamp(0, 1)",
            )
        if close(v, (to_numpy(x) + 1.0) / 2.0):
            raise fail(
                ex,
                "values outside [0, 1] were kept: generator outputs can overshoot slightly after training tricks",
                "clamp(0, 1) after (x + 1) / 2",
            )
        expect(close(v, ref), ex, "values are not ((x + 1) / 2) clamped to [0, 1]", "((images + 1) / 2).clamp(0, 1)")


CHECKS = {"fixed_noise": check_fixed_noise, "build_dcgan": check_build_dcgan, "to_unit_cpu": check_to_unit_cpu}
