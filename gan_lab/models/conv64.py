"""Convolutional GAN at 64x64, the course's reference convolutional design.

References:
- Goodfellow et al. 2014, "Generative Adversarial Nets".
- Radford et al. 2015, "Unsupervised Representation Learning with DCGANs" (strided convolutions,
  BatchNorm and ReLU in the generator, LeakyReLU(0.2) in the discriminator, Adam betas (0.5, 0.999)).
- Dumoulin & Visin 2016, "A guide to convolution arithmetic for deep learning" (output sizes below).

Output size of ConvTranspose2d: (in - 1) * stride - 2 * padding + kernel; of Conv2d:
floor((in + 2 * padding - kernel) / stride) + 1.

Parameter counts with the defaults (latent_dim=100, 64x64x1): generator 999,905; discriminator
99,201 (pinned by tests/test_models.py).
"""

from __future__ import annotations

import torch
from torch import nn

from gan_lab.models._inputs import check_images, check_sizes, check_z


class Conv64Generator(nn.Module):
    """z (N, latent_dim) -> image (N, 1, 64, 64) in [-1, 1]."""

    def __init__(self, latent_dim: int = 100, channels: int = 1) -> None:
        super().__init__()
        check_sizes(latent_dim=latent_dim, channels=channels)
        self.latent_dim = latent_dim
        self.project = nn.Linear(latent_dim, 128 * 8 * 8)  # (N, 8192), reshaped to (N, 128, 8, 8)

        def up(c_in: int, c_out: int) -> list[nn.Module]:
            # kernel 4, stride 2, padding 1 exactly doubles the size: (in - 1) * 2 - 2 + 4 = 2 * in
            return [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]

        self.net = nn.Sequential(
            *up(128, 64),  # (N, 64, 16, 16)
            *up(64, 32),  # (N, 32, 32, 32)
            *up(32, 16),  # (N, 16, 64, 64)
            nn.ConvTranspose2d(16, channels, 3, 1, 1),  # (N, 1, 64, 64): kernel 3, stride 1, padding 1 keeps the size
            nn.Tanh(),  # data are scaled to [-1, 1]
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        check_z(self, z, self.latent_dim)
        h = self.project(z).view(-1, 128, 8, 8)  # (N, 128, 8, 8)
        return self.net(h)


class Conv64Discriminator(nn.Module):
    """image (N, 1, 64, 64) -> one logit per image (N, 1)."""

    def __init__(self, channels: int = 1) -> None:
        super().__init__()
        check_sizes(channels=channels)
        self.channels = channels

        def down(c_in: int, c_out: int) -> list[nn.Module]:
            # kernel 3, stride 2, padding 1 halves the size: floor((in + 2 - 3) / 2) + 1 = in / 2
            # Dropout2d(0.3) drops whole feature maps, so the discriminator cannot lean on one detector
            return [nn.Conv2d(c_in, c_out, 3, 2, 1), nn.LeakyReLU(0.2, inplace=True), nn.Dropout2d(0.3)]

        self.net = nn.Sequential(
            *down(channels, 16),  # (N, 16, 32, 32)
            *down(16, 32),  # (N, 32, 16, 16)
            *down(32, 64),  # (N, 64, 8, 8)
            *down(64, 128),  # (N, 128, 4, 4)
            nn.Flatten(),  # (N, 2048)
            nn.Linear(128 * 4 * 4, 1),  # (N, 1) logit
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_images(self, x, self.channels, 64)
        return self.net(x)
