"""Drawn on the CPU as a tuple shape, then moved with .to(device)."""

import torch

EXERCISE = "sample_z"


def sample_z(batch_size, latent_dim, device="cpu"):
    return torch.randn((batch_size, latent_dim)).to(device)
