"""z squeezed: shape (latent_dim,) when batch_size is 1 (found by the shape sweep)."""

import torch

EXERCISE = "sample_z"
HINT = "batch_size=1"


def sample_z(batch_size, latent_dim, device="cpu"):
    return torch.randn(batch_size, latent_dim, device=device).squeeze()
