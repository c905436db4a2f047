"""MLP GAN on MNIST 28x28: fully connected generator with BatchNorm, fully connected discriminator without.

References:
- Goodfellow et al. 2014, "Generative Adversarial Nets" (the original GAN used MLPs).
- Ioffe & Szegedy 2015, "Batch Normalization" (why BatchNorm1d in the generator).

The course's first design: Linear + BatchNorm + ReLU layers widening to the image in the generator,
Linear + LeakyReLU layers narrowing to one logit in the discriminator, which has no BatchNorm;
trained with batches of 64.

Parameter counts with the defaults (latent_dim=100, hidden=(256, 512, 1024), 28x28x1):
generator 1,488,144; discriminator 533,505 (pinned by tests/test_models.py).
"""

from __future__ import annotations

import torch
from torch import nn

from gan_lab.models._inputs import check_images, check_sizes, check_z


class MLPGenerator(nn.Module):
    """z (N, latent_dim) -> image (N, channels, size, size) in [-1, 1]."""

    def __init__(
        self, latent_dim: int = 100, hidden: tuple[int, ...] = (256, 512, 1024), image_size: int = 28, channels: int = 1
    ) -> None:
        super().__init__()
        check_sizes(latent_dim=latent_dim, image_size=image_size, channels=channels, **_widths(hidden))
        self.latent_dim = latent_dim
        self.image_shape = (channels, image_size, image_size)
        layers: list[nn.Module] = []
        width = latent_dim
        for h in hidden:
            # BatchNorm keeps each layer's activations at a healthy scale, so the generator does not
            # collapse onto a few outputs early on; no bias needed, BatchNorm's shift replaces it.
            layers += [nn.Linear(width, h, bias=False), nn.BatchNorm1d(h), nn.ReLU(inplace=True)]  # (N, h)
            width = h
        out = channels * image_size * image_size
        layers += [nn.Linear(width, out), nn.Tanh()]  # (N, 784); tanh matches data scaled to [-1, 1]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        check_z(self, z, self.latent_dim)
        return self.net(z).view(z.shape[0], *self.image_shape)  # (N, 1, 28, 28)


class MLPDiscriminator(nn.Module):
    """image (N, channels, size, size) -> one logit per image (N, 1). No sigmoid: losses take logits."""

    def __init__(self, hidden: tuple[int, ...] = (512, 256), image_size: int = 28, channels: int = 1) -> None:
        super().__init__()
        check_sizes(image_size=image_size, channels=channels, **_widths(hidden))
        self.image_shape = (channels, image_size, image_size)
        layers: list[nn.Module] = [nn.Flatten()]  # (N, 784)
        width = channels * image_size * image_size
        for h in hidden:
            # LeakyReLU(0.2): a non-zero slope for negative inputs keeps gradients flowing to the generator
            layers += [nn.Linear(width, h), nn.LeakyReLU(0.2, inplace=True)]  # (N, h)
            width = h
        layers.append(nn.Linear(width, 1))  # (N, 1) logit
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_images(self, x, *self.image_shape[:2], flat=True)  # flattened images (N, 784) are fine too
        return self.net(x)


def _widths(hidden: tuple[int, ...]) -> dict[str, object]:
    return {f"hidden[{i}]": h for i, h in enumerate(hidden)}
