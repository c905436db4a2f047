"""Uniform noise rescaled to mean 0 and std 1: right moments, wrong distribution."""

import math

import torch

EXERCISE = "sample_z"
HINT = "not standard normal"


def sample_z(batch_size, latent_dim, device="cpu"):
    return (torch.rand(batch_size, latent_dim, device=device) * 2 - 1) * math.sqrt(3)
