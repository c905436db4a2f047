"""nn.Sigmoid() after the last Linear."""

from torch import nn

EXERCISE = "Conv64Discriminator"
HINT = "a sigmoid at the end of the discriminator"


class Conv64Discriminator(nn.Module):
    def __init__(self, channels=1):
        super().__init__()
        blocks = []
        for c_in, c_out in ((channels, 16), (16, 32), (32, 64), (64, 128)):
            blocks += [nn.Conv2d(c_in, c_out, 3, 2, 1), nn.LeakyReLU(0.2), nn.Dropout2d(0.3)]
        self.net = nn.Sequential(*blocks, nn.Flatten(), nn.Linear(128 * 4 * 4, 1), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)
