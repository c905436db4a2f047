"""Explicit layers, F.relu in forward, Unflatten instead of .view, bias-free transposed convolutions."""

import torch.nn.functional as F
from torch import nn

EXERCISE = "Conv64Generator"


class Conv64Generator(nn.Module):
    def __init__(self, latent_dim=100, channels=1):
        super().__init__()
        self.project = nn.Sequential(nn.Linear(latent_dim, 128 * 8 * 8), nn.Unflatten(1, (128, 8, 8)))
        self.ups = nn.ModuleList([nn.ConvTranspose2d(a, b, 4, 2, 1) for a, b in ((128, 64), (64, 32), (32, 16))])
        self.norms = nn.ModuleList([nn.BatchNorm2d(b) for b in (64, 32, 16)])
        self.out = nn.ConvTranspose2d(16, channels, kernel_size=3, stride=1, padding=1)

    def forward(self, z):
        x = self.project(z)
        for up, norm in zip(self.ups, self.norms):
            x = F.relu(norm(up(x)))
        return self.out(x).tanh()
