"""A subclass of nn.Sequential: no forward of its own, in-place LeakyReLU."""

from torch import nn

EXERCISE = "MLPDiscriminator"


class MLPDiscriminator(nn.Sequential):
    def __init__(self):
        super().__init__(
            nn.Flatten(),
            nn.Linear(784, 512),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 256),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(256, 1),
        )
