"""Freezes D parameter by parameter, zero_grad(set_to_none=False), returns .item()."""

import torch.nn.functional as F

EXERCISE = "g_step"


def g_step(discriminator, opt_g, x_fake):
    for p in discriminator.parameters():
        p.requires_grad = False
    opt_g.zero_grad(set_to_none=False)
    loss_g = -F.logsigmoid(discriminator(x_fake)).mean()
    loss_g.backward()
    for p in discriminator.parameters():
        p.requires_grad = True
    opt_g.step()
    return loss_g.item()
