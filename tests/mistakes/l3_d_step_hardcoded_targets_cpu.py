"""Targets built with torch.ones(n, 1): CPU whatever the data's device."""

import torch
import torch.nn.functional as F

EXERCISE = "d_step"
HINT = "device"


def d_step(discriminator, opt_d, x_real, x_fake):
    opt_d.zero_grad()
    n = x_real.shape[0]
    loss_d = F.binary_cross_entropy_with_logits(
        discriminator(x_real), torch.ones(n, 1)
    ) + F.binary_cross_entropy_with_logits(discriminator(x_fake.detach()), torch.zeros(n, 1))
    loss_d.backward()
    opt_d.step()
    return loss_d.detach()
