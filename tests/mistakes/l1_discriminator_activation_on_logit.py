"""A LeakyReLU after the output layer."""

from torch import nn

EXERCISE = "MLPDiscriminator"
HINT = "after the last Linear"


class MLPDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 512),
            nn.LeakyReLU(0.2),
            nn.Linear(512, 256),
            nn.LeakyReLU(0.2),
            nn.Linear(256, 1),
            nn.LeakyReLU(0.2),
        )

    def forward(self, x):
        return self.net(x)
