"""Adam's default learning rate 1e-3."""

import torch

from gan_lab.models import DCGANDiscriminator, DCGANGenerator

EXERCISE = "build_dcgan"
HINT = "lr"


def build_dcgan(latent_dim, channels, device):
    generator = DCGANGenerator(latent_dim, channels=channels).to(device)
    discriminator = DCGANDiscriminator(channels=channels).to(device)
    opt_g = torch.optim.Adam(generator.parameters(), betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), betas=(0.5, 0.999))
    return generator, discriminator, opt_g, opt_d
