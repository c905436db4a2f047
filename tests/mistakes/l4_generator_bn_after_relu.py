"""BatchNorm2d after the ReLU."""

from torch import nn

EXERCISE = "Conv64Generator"
HINT = "BatchNorm after the activation"


class Conv64Generator(nn.Module):
    def __init__(self, latent_dim=100, channels=1):
        super().__init__()
        self.project = nn.Linear(latent_dim, 128 * 8 * 8)
        blocks = []
        for c_in, c_out in ((128, 64), (64, 32), (32, 16)):
            blocks += [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1), nn.ReLU(), nn.BatchNorm2d(c_out)]
        self.net = nn.Sequential(*blocks, nn.ConvTranspose2d(16, channels, 3, 1, 1), nn.Tanh())

    def forward(self, z):
        return self.net(self.project(z).view(-1, 128, 8, 8))
