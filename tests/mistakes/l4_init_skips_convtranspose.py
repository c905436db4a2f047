"""isinstance(m, nn.Conv2d) only: ConvTranspose2d is not a subclass of Conv2d."""

from torch import nn

EXERCISE = "init_weights"
HINT = "the ConvTranspose2d layers were not initialised"


def init_weights(model):
    def weights_init(m):
        if isinstance(m, nn.Conv2d):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)

    model.apply(weights_init)
    return model
