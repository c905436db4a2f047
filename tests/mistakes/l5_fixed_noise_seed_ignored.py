"""The generator seeded with 0 whatever the seed argument."""

import torch

EXERCISE = "fixed_noise"
HINT = "different seeds gave the same noise"


def fixed_noise(n, latent_dim, device, seed):
    return torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(0)).to(device)
