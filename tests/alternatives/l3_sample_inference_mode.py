"""torch.inference_mode instead of no_grad; z moved with .to(device)."""

import torch

EXERCISE = "sample_images"


def sample_images(generator, n, latent_dim):
    mode = generator.training
    generator.eval()
    z = torch.randn(n, latent_dim).to(next(generator.parameters()).device)
    with torch.inference_mode():
        images = generator(z)
    generator.train(mode)
    return images
