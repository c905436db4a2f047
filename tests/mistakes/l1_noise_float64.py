"""float64 noise (torch.randn(..., dtype=torch.float64))."""

import torch

EXERCISE = "sample_z"
HINT = "dtype"


def sample_z(batch_size, latent_dim, device="cpu"):
    return torch.randn(batch_size, latent_dim, dtype=torch.float64, device=device)
