"""The three GAN families of the course, built by name.

- ``mlp``: fully connected, 28x28 (``gan_lab.models.mlp``).
- ``conv64``: the course's convolutional reference design, 64x64 (``gan_lab.models.conv64``).
- ``dcgan``: Radford et al. 2015, 64x64, 1 or 3 channels (``gan_lab.models.dcgan``).
"""

from __future__ import annotations

from torch import nn

from gan_lab.models.conv64 import Conv64Discriminator, Conv64Generator
from gan_lab.models.dcgan import DCGANDiscriminator, DCGANGenerator, dcgan_init
from gan_lab.models.mlp import MLPDiscriminator, MLPGenerator
from gan_lab.runtime import GanLabError

MODELS = ("mlp", "conv64", "dcgan")
IMAGE_SIZES = {"mlp": 28, "conv64": 64, "dcgan": 64}  # the one size each architecture produces


def build_models(name: str, latent_dim: int = 100, channels: int = 1) -> tuple[nn.Module, nn.Module]:
    """Return ``(generator, discriminator)`` for model ``name``."""
    if name not in MODELS:
        raise GanLabError(f"unknown model {name!r}: expected one of {', '.join(MODELS)}")
    if latent_dim < 1:
        raise GanLabError(f"latent_dim must be a positive integer, got {latent_dim}")
    if name == "mlp":
        return MLPGenerator(latent_dim, channels=channels), MLPDiscriminator(channels=channels)
    if name == "conv64":
        return Conv64Generator(latent_dim, channels), Conv64Discriminator(channels)
    return DCGANGenerator(latent_dim, channels=channels), DCGANDiscriminator(channels=channels)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


__all__ = [
    "IMAGE_SIZES",
    "MODELS",
    "Conv64Discriminator",
    "Conv64Generator",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "MLPDiscriminator",
    "MLPGenerator",
    "build_models",
    "count_parameters",
    "dcgan_init",
]
