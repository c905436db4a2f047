"""Returns loss_d.item() (a Python float), discriminator.zero_grad() instead of opt_d.zero_grad(), fake pass first."""

import torch.nn.functional as F

EXERCISE = "d_step"


def d_step(discriminator, opt_d, x_real, x_fake):
    discriminator.zero_grad()
    logits_fake = discriminator(x_fake.detach())
    logits_real = discriminator(x_real)
    loss_d = F.softplus(-logits_real).mean() + F.softplus(logits_fake).mean()
    loss_d.backward()
    opt_d.step()
    return loss_d.item()
