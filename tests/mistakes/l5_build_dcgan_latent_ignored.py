"""DCGANGenerator() with its default latent size: latent_dim not passed on."""

import torch

from gan_lab.models import DCGANDiscriminator, DCGANGenerator

EXERCISE = "build_dcgan"
HINT = "not passed on"


def build_dcgan(latent_dim, channels, device):
    generator = DCGANGenerator(channels=channels).to(device)
    discriminator = DCGANDiscriminator(channels=channels).to(device)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    return generator, discriminator, opt_g, opt_d
