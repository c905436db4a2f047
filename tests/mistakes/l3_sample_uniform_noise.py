"""Samples from uniform noise."""

import torch

EXERCISE = "sample_images"
HINT = "differ from generator(torch.randn"


def sample_images(generator, n, latent_dim):
    was_training = generator.training
    generator.eval()
    with torch.no_grad():
        images = generator(torch.rand(n, latent_dim, device=next(generator.parameters()).device))
    generator.train(was_training)
    return images
