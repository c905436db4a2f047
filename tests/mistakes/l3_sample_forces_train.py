"""generator.train() at the end whatever the mode was."""

import torch

EXERCISE = "sample_images"
HINT = "came back in training mode"


def sample_images(generator, n, latent_dim):
    generator.eval()
    with torch.no_grad():
        images = generator(torch.randn(n, latent_dim, device=next(generator.parameters()).device))
    generator.train()
    return images
