"""SGD optimizers instead of Adam."""

import torch

from gan_lab.models import DCGANDiscriminator, DCGANGenerator

EXERCISE = "build_dcgan"
HINT = "is SGD"


def build_dcgan(latent_dim, channels, device):
    generator = DCGANGenerator(latent_dim, channels=channels).to(device)
    discriminator = DCGANDiscriminator(channels=channels).to(device)
    opt_g = torch.optim.SGD(generator.parameters(), lr=2e-4)
    opt_d = torch.optim.SGD(discriminator.parameters(), lr=2e-4)
    return generator, discriminator, opt_g, opt_d
