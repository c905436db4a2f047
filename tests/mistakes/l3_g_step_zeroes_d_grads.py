"""Zeroes D's gradients too (discriminator.zero_grad() in the G step)."""

import torch.nn.functional as F

EXERCISE = "g_step"
HINT = "changed the discriminator's .grad"


def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    discriminator.zero_grad()
    discriminator.requires_grad_(False)
    loss_g = F.softplus(-discriminator(x_fake)).mean()
    loss_g.backward()
    discriminator.requires_grad_(True)
    opt_g.step()
    return loss_g.detach()
