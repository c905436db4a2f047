"""Laplace noise with unit variance."""

import torch

EXERCISE = "sample_z"
HINT = "not standard normal"


def sample_z(batch_size, latent_dim, device="cpu"):
    u = torch.rand(batch_size, latent_dim, device=device) - 0.5
    return -torch.sign(u) * torch.log1p(-2 * u.abs()) / 2**0.5
