"""nn.LeakyReLU() with its default slope 0.01."""

from torch import nn

EXERCISE = "MLPDiscriminator"
HINT = "slope 0.01"


class MLPDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(784, 512), nn.LeakyReLU(), nn.Linear(512, 256), nn.LeakyReLU(), nn.Linear(256, 1)
        )

    def forward(self, x):
        return self.net(x)
