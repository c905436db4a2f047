"""discriminator.eval() in the G step, never restored."""

import torch.nn.functional as F

EXERCISE = "g_step"
HINT = "eval mode"


def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    discriminator.eval()
    discriminator.requires_grad_(False)
    loss_g = F.softplus(-discriminator(x_fake)).mean()
    loss_g.backward()
    discriminator.requires_grad_(True)
    opt_g.step()
    return loss_g.detach()
