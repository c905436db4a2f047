"""The device argument is accepted but never used."""

import torch

EXERCISE = "sample_z"
HINT = "the device argument is ignored"


def sample_z(batch_size, latent_dim, device="cpu"):
    return torch.randn(batch_size, latent_dim)
