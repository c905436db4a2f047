"""generator.eval() without switching back to training mode."""

import torch

EXERCISE = "sample_images"
HINT = "left in eval mode"


def sample_images(generator, n, latent_dim):
    generator.eval()
    with torch.no_grad():
        return generator(torch.randn(n, latent_dim, device=next(generator.parameters()).device))
