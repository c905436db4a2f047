"""The four GAN families of the course, built by name, with the training defaults each comes with.

- ``mlp``: fully connected, 28x28 (``gan_lab.models.mlp``).
- ``dcgan28``: TensorFlow's tutorial DCGAN, 28x28 (``gan_lab.models.dcgan28``).
- ``conv64``: the course's convolutional reference design, 64x64 (``gan_lab.models.conv64``).
- ``dcgan``: Radford et al. 2015, 64x64, 1 or 3 channels (``gan_lab.models.dcgan``).
"""

from __future__ import annotations

from torch import nn

from gan_lab.models.conv64 import Conv64Discriminator, Conv64Generator
from gan_lab.models.dcgan import DCGANDiscriminator, DCGANGenerator, dcgan_init
from gan_lab.models.dcgan28 import DCGAN28Discriminator, DCGAN28Generator
from gan_lab.models.mlp import MLPDiscriminator, MLPGenerator
from gan_lab.runtime import GanLabError

MODELS = ("mlp", "dcgan28", "conv64", "dcgan")
IMAGE_SIZES = {"mlp": 28, "dcgan28": 28, "conv64": 64, "dcgan": 64}  # the one size each architecture produces
# what a run gets when it does not say: the design each family comes from (the MLP and conv64 designs,
# Radford et al. for dcgan, TensorFlow's tutorial for dcgan28: Keras' Adam(1e-4) has beta1 = 0.9)
TRAIN_DEFAULTS = {
    "mlp": {"batch_size": 64, "lr": 2e-4, "beta1": 0.5},
    "dcgan28": {"batch_size": 256, "lr": 1e-4, "beta1": 0.9},
    "conv64": {"batch_size": 128, "lr": 2e-4, "beta1": 0.5},
    "dcgan": {"batch_size": 128, "lr": 2e-4, "beta1": 0.5},
}


def build_models(name: str, latent_dim: int = 100, channels: int = 1) -> tuple[nn.Module, nn.Module]:
    """Return ``(generator, discriminator)`` for model ``name``."""
    if name not in MODELS:
        raise GanLabError(f"unknown model {name!r}: expected one of {', '.join(MODELS)}")
    if latent_dim < 1:
        raise GanLabError(f"latent_dim must be a positive integer, got {latent_dim}")
    if name == "mlp":
        return MLPGenerator(latent_dim, channels=channels), MLPDiscriminator(channels=channels)
    if name == "dcgan28":
        return DCGAN28Generator(latent_dim, channels), DCGAN28Discriminator(channels)
    if name == "conv64":
        return Conv64Generator(latent_dim, channels), Conv64Discriminator(channels)
    return DCGANGenerator(latent_dim, channels=channels), DCGANDiscriminator(channels=channels)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


__all__ = [
    "IMAGE_SIZES",
    "MODELS",
    "TRAIN_DEFAULTS",
    "Conv64Discriminator",
    "Conv64Generator",
    "DCGAN28Discriminator",
    "DCGAN28Generator",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "MLPDiscriminator",
    "MLPGenerator",
    "build_models",
    "count_parameters",
    "dcgan_init",
]
