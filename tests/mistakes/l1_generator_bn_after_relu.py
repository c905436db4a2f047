"""BatchNorm1d after the ReLU."""

from torch import nn

EXERCISE = "MLPGenerator"
HINT = "BatchNorm after the activation"


class MLPGenerator(nn.Module):
    def __init__(self, latent_dim=100):
        super().__init__()
        layers, width = [], latent_dim
        for h in (256, 512, 1024):
            layers += [nn.Linear(width, h), nn.ReLU(), nn.BatchNorm1d(h)]
            width = h
        self.net = nn.Sequential(*layers, nn.Linear(1024, 784), nn.Tanh())

    def forward(self, z):
        return self.net(z).view(-1, 1, 28, 28)
