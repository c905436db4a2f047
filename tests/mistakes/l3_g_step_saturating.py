"""The G step minimises the saturating loss."""

import torch
import torch.nn.functional as F

EXERCISE = "g_step"
HINT = "saturating loss"


def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    discriminator.requires_grad_(False)
    logits_fake = discriminator(x_fake)
    loss_g = -F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
    loss_g.backward()
    discriminator.requires_grad_(True)
    opt_g.step()
    return loss_g.detach()
