"""Box-Muller from two uniform draws of torch's generator: a different stream, the right distribution."""

import math

import torch

EXERCISE = "sample_z"


def sample_z(batch_size, latent_dim, device="cpu"):
    u1 = torch.rand(batch_size, latent_dim, device=device).clamp_min(1e-12)
    u2 = torch.rand(batch_size, latent_dim, device=device)
    return torch.sqrt(-2.0 * torch.log(u1)) * torch.cos(2.0 * math.pi * u2)
