"""The noise moved to the GPU with .cuda() whatever device was asked for."""

import torch

EXERCISE = "sample_z"
HINT = "hard-coded .cuda()"


def sample_z(batch_size, latent_dim, device="cpu"):
    return torch.randn(batch_size, latent_dim).cuda()
