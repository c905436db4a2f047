"""Optimizers built with keyword arguments, models moved in one loop."""

import torch

from gan_lab.models import DCGANDiscriminator, DCGANGenerator

EXERCISE = "build_dcgan"


def build_dcgan(latent_dim, channels, device):
    generator = DCGANGenerator(latent_dim=latent_dim, channels=channels)
    discriminator = DCGANDiscriminator(channels=channels)
    for model in (generator, discriminator):
        model.to(device)
    settings = {"lr": 0.0002, "betas": (0.5, 0.999)}
    return (
        generator,
        discriminator,
        torch.optim.Adam(generator.parameters(), **settings),
        torch.optim.Adam(discriminator.parameters(), **settings),
    )
