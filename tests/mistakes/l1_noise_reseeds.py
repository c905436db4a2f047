"""torch.manual_seed inside the sampling function: every call returns the same z."""

import torch

EXERCISE = "sample_z"
HINT = "reseeds the random generator"


def sample_z(batch_size, latent_dim, device="cpu"):
    torch.manual_seed(0)
    return torch.randn(batch_size, latent_dim, device=device)
