"""Plain ReLU in the discriminator instead of LeakyReLU(0.2)."""

from torch import nn

EXERCISE = "MLPDiscriminator"
HINT = "no LeakyReLU"


class MLPDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 1)
        )

    def forward(self, x):
        return self.net(x)
