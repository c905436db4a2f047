"""The noise shape written as (latent_dim, batch_size)."""

import torch

EXERCISE = "sample_z"
HINT = "batch_size and latent_dim are swapped"


def sample_z(batch_size, latent_dim, device="cpu"):
    return torch.randn(latent_dim, batch_size, device=device)
