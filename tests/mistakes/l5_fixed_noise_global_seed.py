"""torch.manual_seed(seed) inside: reseeds the whole program."""

import torch

EXERCISE = "fixed_noise"
HINT = "changed torch's global random state"


def fixed_noise(n, latent_dim, device, seed):
    torch.manual_seed(seed)
    return torch.randn(n, latent_dim).to(device)
