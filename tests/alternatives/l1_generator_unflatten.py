"""One nn.Sequential ending in nn.Unflatten instead of a .view in forward."""

from torch import nn

EXERCISE = "MLPGenerator"


class MLPGenerator(nn.Module):
    def __init__(self, latent_dim=100):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 256, bias=False),
            nn.BatchNorm1d(256),
            nn.ReLU(True),
            nn.Linear(256, 512, bias=False),
            nn.BatchNorm1d(512),
            nn.ReLU(True),
            nn.Linear(512, 1024, bias=False),
            nn.BatchNorm1d(1024),
            nn.ReLU(True),
            nn.Linear(1024, 784),
            nn.Tanh(),
            nn.Unflatten(1, (1, 28, 28)),
        )

    def forward(self, z):
        return self.net(z)
