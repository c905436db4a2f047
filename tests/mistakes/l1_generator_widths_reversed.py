"""Hidden widths 1024, 512, 256 (the discriminator's order)."""

from torch import nn

EXERCISE = "MLPGenerator"
HINT = "hidden widths 256, 512, 1024"


class MLPGenerator(nn.Module):
    def __init__(self, latent_dim=100):
        super().__init__()
        layers, width = [], latent_dim
        for h in (1024, 512, 256):
            layers += [nn.Linear(width, h), nn.BatchNorm1d(h), nn.ReLU()]
            width = h
        self.net = nn.Sequential(*layers, nn.Linear(256, 784), nn.Tanh())

    def forward(self, z):
        return self.net(z).view(-1, 1, 28, 28)
