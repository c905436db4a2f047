"""Adam(lr=2e-4) with the default beta1 = 0.9."""

import torch

from gan_lab.models import DCGANDiscriminator, DCGANGenerator

EXERCISE = "build_dcgan"
HINT = "Adam's default betas"


def build_dcgan(latent_dim, channels, device):
    generator = DCGANGenerator(latent_dim, channels=channels).to(device)
    discriminator = DCGANDiscriminator(channels=channels).to(device)
    return (
        generator,
        discriminator,
        torch.optim.Adam(generator.parameters(), lr=2e-4),
        torch.optim.Adam(discriminator.parameters(), lr=2e-4),
    )
