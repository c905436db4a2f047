"""opt_g built over the discriminator's parameters and opt_d over the generator's."""

import torch

from gan_lab.models import DCGANDiscriminator, DCGANGenerator

EXERCISE = "build_dcgan"
HINT = "the optimizers are swapped"


def build_dcgan(latent_dim, channels, device):
    generator = DCGANGenerator(latent_dim, channels=channels).to(device)
    discriminator = DCGANDiscriminator(channels=channels).to(device)
    opt_g = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    return generator, discriminator, opt_g, opt_d
