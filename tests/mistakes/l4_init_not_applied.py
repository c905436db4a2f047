"""The init function is defined but model.apply is never called."""

from torch import nn

EXERCISE = "init_weights"
HINT = "defined but never applied"


def init_weights(model):
    def weights_init(m):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)

    return model
