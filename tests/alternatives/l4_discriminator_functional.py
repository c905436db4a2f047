"""F.leaky_relu and F.dropout2d(training=self.training) in forward; dropout before the activation (they commute)."""

import torch.nn.functional as F
from torch import nn

EXERCISE = "Conv64Discriminator"


class Conv64Discriminator(nn.Module):
    def __init__(self, channels=1):
        super().__init__()
        sizes = [(channels, 16), (16, 32), (32, 64), (64, 128)]
        self.convs = nn.ModuleList([nn.Conv2d(a, b, 3, stride=2, padding=1) for a, b in sizes])
        self.head = nn.Linear(2048, 1)

    def forward(self, x):
        for conv in self.convs:
            x = F.leaky_relu(F.dropout2d(conv(x), 0.3, training=self.training), 0.2)
        return self.head(x.flatten(1))
