"""The (N, 1, 28, 28) images go into Linear(784, ...) without nn.Flatten()."""

from torch import nn

EXERCISE = "MLPDiscriminator"
HINT = "were not flattened"


class MLPDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1)
        )

    def forward(self, x):
        return self.net(x)
