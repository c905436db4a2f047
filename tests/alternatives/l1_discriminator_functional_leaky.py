"""Explicit Linear layers with F.leaky_relu(x, 0.2) in forward and x.view(N, -1) instead of nn.Flatten."""

import torch.nn.functional as F
from torch import nn

EXERCISE = "MLPDiscriminator"


class MLPDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 512)
        self.fc2 = nn.Linear(512, 256)
        self.fc3 = nn.Linear(256, 1)

    def forward(self, x):
        x = x.view(x.shape[0], -1)
        x = F.leaky_relu(self.fc1(x), negative_slope=0.2)
        x = F.leaky_relu(self.fc2(x), 0.2)
        return self.fc3(x)
