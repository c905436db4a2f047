"""nn.init.normal_(w, 0.02): the second argument is the mean, so the std stays 1."""

from torch import nn

EXERCISE = "init_weights"
HINT = "sets the mean"


def init_weights(model):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
    return model
