"""The one-hot label multiplies the first features (no embedding table)."""

import torch.nn.functional as F
from torch import nn

EXERCISE = "ProjectionDiscriminator"
HINT = "no class embedding of shape"


class ProjectionDiscriminator(nn.Module):
    def __init__(self, num_classes=10, hidden=256):
        super().__init__()
        self.phi = nn.Sequential(
            nn.Flatten(),
            nn.Linear(28 * 28, 2 * hidden),
            nn.LeakyReLU(0.2),
            nn.Linear(2 * hidden, hidden),
            nn.LeakyReLU(0.2),
        )
        self.psi = nn.Linear(hidden, 1)

    def forward(self, x, labels):
        h = self.phi(x)
        return self.psi(h) + (F.one_hot(labels, h.shape[1]).float() * h).sum(dim=1, keepdim=True)
