"""The four GAN families of the course, built by name from one registry with each one's training defaults.

- ``mlp``: fully connected, 28x28 (``gan_lab.models.mlp``).
- ``dcgan28``: TensorFlow's tutorial DCGAN, 28x28 (``gan_lab.models.dcgan28``).
- ``conv64``: the course's convolutional reference design, 64x64 (``gan_lab.models.conv64``).
- ``dcgan``: Radford et al. 2015, 64x64, 1 or 3 channels (``gan_lab.models.dcgan``).
- ``cgan``, ``cgan-concat``: class-conditional, 28x28, with a projection discriminator (Miyato & Koyama
  2018) or a concatenation one (Mirza & Osindero 2014) (``gan_lab.models.conditional``).

A new architecture is one entry in ``REGISTRY``: its two constructors, the one image size it
produces, its default training batch and, for a class-conditional model, its number of classes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from gan_lab.models.conditional import ConcatDiscriminator, ConditionalGenerator, ProjectionDiscriminator
from gan_lab.models.conv64 import Conv64Discriminator, Conv64Generator
from gan_lab.models.dcgan import DCGANDiscriminator, DCGANGenerator, dcgan_init
from gan_lab.models.dcgan28 import DCGAN28Discriminator, DCGAN28Generator
from gan_lab.models.mlp import MLPDiscriminator, MLPGenerator
from gan_lab.runtime import GanLabError


@dataclass(frozen=True)
class ModelSpec:
    generator: Callable[[int, int], nn.Module]  # (latent_dim, channels) -> generator
    discriminator: Callable[[int], nn.Module]  # channels -> discriminator
    image_size: int  # the one size the architecture produces
    batch_size: int  # the default training batch
    lr: float = 2e-4  # the default Adam learning rate (Radford et al.)
    beta1: float = 0.5  # the default Adam beta1 (Radford et al.)
    ema: float = 0.0  # the default decay of the generator's moving average (0: none)
    # 0: unconditional, G(z) and D(x); else G(z, labels) and D(x, labels) with labels in [0, num_classes)
    num_classes: int = 0

    @property
    def conditional(self) -> bool:
        return self.num_classes > 0


REGISTRY: dict[str, ModelSpec] = {
    # batch 64: the course's MLP design; a moving average of G, chosen by the sweep against the plain tutorial
    # recipe at equal steps on full MNIST (book/results/full_mnist/sweep.json)
    "mlp": ModelSpec(
        lambda z, c: MLPGenerator(z, channels=c), lambda c: MLPDiscriminator(channels=c), 28, 64, ema=0.999
    ),
    # TensorFlow's tutorial's batch 256, with Radford et al.'s Adam (2e-4, beta1 0.5) instead of the tutorial's
    # Keras Adam(1e-4, beta1 0.9), and a moving average of G: each measured ahead at equal steps on full MNIST
    # (book/results/full_mnist/conv/sweep.json)
    "dcgan28": ModelSpec(DCGAN28Generator, DCGAN28Discriminator, 28, 256, ema=0.999),
    # batch 128: Radford et al.'s batch, kept by the course's convolutional design; a moving average of G, measured
    # ahead of the trained generator at equal steps on full MNIST (book/results/full_mnist/conv/sweep.json)
    "conv64": ModelSpec(Conv64Generator, Conv64Discriminator, 64, 128, ema=0.999),
    # batch 128: Radford et al.'s; a moving average of G, measured ahead of the trained generator at equal steps on
    # full MNIST (book/results/full_mnist/conv/sweep.json)
    "dcgan": ModelSpec(
        lambda z, c: DCGANGenerator(z, channels=c), lambda c: DCGANDiscriminator(channels=c), 64, 128, ema=0.999
    ),
    # batch 64: the MLP's batch, at the same 28x28
    "cgan": ModelSpec(
        lambda z, c: ConditionalGenerator(z, channels=c),
        lambda c: ProjectionDiscriminator(channels=c),
        28,
        64,
        num_classes=10,
    ),
    "cgan-concat": ModelSpec(
        lambda z, c: ConditionalGenerator(z, channels=c),
        lambda c: ConcatDiscriminator(channels=c),
        28,
        64,
        num_classes=10,
    ),
}
MODELS = tuple(REGISTRY)
IMAGE_SIZES = {name: spec.image_size for name, spec in REGISTRY.items()}


def model_spec(name: str) -> ModelSpec:
    """The registry entry of ``name``, or a one-line :class:`GanLabError` listing the known models."""
    if name not in REGISTRY:
        raise GanLabError(f"unknown model {name!r}: expected one of {', '.join(MODELS)}")
    return REGISTRY[name]


def build_models(name: str, latent_dim: int = 100, channels: int = 1) -> tuple[nn.Module, nn.Module]:
    """Return ``(generator, discriminator)`` for model ``name`` (the generator is built first: seeded runs rely on it)."""
    spec = model_spec(name)
    if latent_dim < 1:
        raise GanLabError(f"latent_dim must be a positive integer, got {latent_dim}")
    generator = spec.generator(latent_dim, channels)
    return generator, spec.discriminator(channels)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


__all__ = [
    "ConcatDiscriminator",
    "ConditionalGenerator",
    "ProjectionDiscriminator",
    "IMAGE_SIZES",
    "MODELS",
    "REGISTRY",
    "Conv64Discriminator",
    "Conv64Generator",
    "DCGAN28Discriminator",
    "DCGAN28Generator",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "MLPDiscriminator",
    "MLPGenerator",
    "ModelSpec",
    "build_models",
    "count_parameters",
    "dcgan_init",
    "model_spec",
]
