"""The models stay on the CPU: .to(device) forgotten."""

import torch

from gan_lab.models import DCGANDiscriminator, DCGANGenerator

EXERCISE = "build_dcgan"
HINT = "the models were not moved"


def build_dcgan(latent_dim, channels, device):
    generator = DCGANGenerator(latent_dim, channels=channels)
    discriminator = DCGANDiscriminator(channels=channels)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    return generator, discriminator, opt_g, opt_d
