"""DCGAN at 64x64 (Radford, Metz & Chintala 2015, arXiv:1511.06434).

The paper's guidelines, each visible below: strided (transposed) convolutions instead of pooling;
BatchNorm in both networks (not on the generator's output nor the discriminator's input); no fully
connected hidden layers; ReLU in the generator with tanh on the output; LeakyReLU(0.2) in the
discriminator; weights drawn from N(0, 0.02).

Parameter counts with the defaults (latent_dim=100, ngf=ndf=64): 1 channel: generator 3,574,656,
discriminator 2,763,520; 3 channels: generator 3,576,704, discriminator 2,765,568 (pinned by tests).
"""

from __future__ import annotations

import torch
from torch import nn

from gan_lab.models._inputs import check_images, check_sizes, check_z


def dcgan_init(module: nn.Module) -> None:
    """Radford et al.: convolution weights ~ N(0, 0.02); BatchNorm scale ~ N(1, 0.02), shift 0.

    Use as ``model.apply(dcgan_init)``; both DCGAN networks call it in their constructor.
    """
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class DCGANGenerator(nn.Module):
    """z (N, latent_dim) -> image (N, channels, 64, 64) in [-1, 1]."""

    def __init__(self, latent_dim: int = 100, ngf: int = 64, channels: int = 1) -> None:
        super().__init__()
        check_sizes(latent_dim=latent_dim, ngf=ngf, channels=channels)
        self.latent_dim = latent_dim

        def up(c_in: int, c_out: int) -> list[nn.Module]:
            # bias=False: the BatchNorm that follows subtracts the mean, which would cancel a bias
            return [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)]

        self.net = nn.Sequential(
            # z as a 1x1 image with latent_dim channels; kernel 4 stride 1 no padding: 1 -> 4
            nn.ConvTranspose2d(latent_dim, ngf * 8, 4, 1, 0, bias=False),  # (N, 512, 4, 4)
            nn.BatchNorm2d(ngf * 8),
            nn.ReLU(True),
            *up(ngf * 8, ngf * 4),  # (N, 256, 8, 8)
            *up(ngf * 4, ngf * 2),  # (N, 128, 16, 16)
            *up(ngf * 2, ngf),  # (N, 64, 32, 32)
            nn.ConvTranspose2d(ngf, channels, 4, 2, 1, bias=False),  # (N, channels, 64, 64)
            nn.Tanh(),
        )
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        check_z(self, z, self.latent_dim, image_like=True)
        return self.net(z.view(z.shape[0], -1, 1, 1))  # (N, latent_dim, 1, 1) -> (N, channels, 64, 64)


class DCGANDiscriminator(nn.Module):
    """image (N, channels, 64, 64) -> one logit per image (N, 1)."""

    def __init__(self, ndf: int = 64, channels: int = 1) -> None:
        super().__init__()
        check_sizes(ndf=ndf, channels=channels)
        self.channels = channels

        def down(c_in: int, c_out: int) -> list[nn.Module]:
            return [nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out), nn.LeakyReLU(0.2, True)]

        self.net = nn.Sequential(
            # no BatchNorm on the input layer (Radford et al.: it made samples oscillate)
            nn.Conv2d(channels, ndf, 4, 2, 1, bias=False),  # (N, 64, 32, 32)
            nn.LeakyReLU(0.2, True),
            *down(ndf, ndf * 2),  # (N, 128, 16, 16)
            *down(ndf * 2, ndf * 4),  # (N, 256, 8, 8)
            *down(ndf * 4, ndf * 8),  # (N, 512, 4, 4)
            nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False),  # (N, 1, 1, 1): one logit, no sigmoid
        )
        self.apply(dcgan_init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_images(self, x, self.channels, 64)
        return self.net(x).view(-1, 1)  # (N, 1)
