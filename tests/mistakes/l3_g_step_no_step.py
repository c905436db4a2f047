"""opt_g.step() forgotten."""

import torch.nn.functional as F

EXERCISE = "g_step"
HINT = "did not change"


def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    discriminator.requires_grad_(False)
    loss_g = F.softplus(-discriminator(x_fake)).mean()
    loss_g.backward()
    discriminator.requires_grad_(True)
    return loss_g.detach()
