"""Dropout added to the generator."""

from torch import nn

EXERCISE = "MLPGenerator"
HINT = "the output is random"


class MLPGenerator(nn.Module):
    def __init__(self, latent_dim=100):
        super().__init__()
        layers, width = [], latent_dim
        for h in (256, 512, 1024):
            layers += [nn.Linear(width, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Dropout(0.3)]
            width = h
        self.net = nn.Sequential(*layers, nn.Linear(1024, 784), nn.Tanh())

    def forward(self, z):
        return self.net(z).view(-1, 1, 28, 28)
