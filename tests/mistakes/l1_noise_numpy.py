"""numpy's generator: torch.manual_seed does not make it repeatable."""

import numpy as np
import torch

EXERCISE = "sample_z"
HINT = "repeatable"


def sample_z(batch_size, latent_dim, device="cpu"):
    return torch.from_numpy(np.random.randn(batch_size, latent_dim).astype(np.float32)).to(device)
