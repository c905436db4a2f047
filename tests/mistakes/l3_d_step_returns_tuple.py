"""Returns (loss_real, loss_fake)."""

import torch.nn.functional as F

EXERCISE = "d_step"
HINT = "returned tuple"


def d_step(discriminator, opt_d, x_real, x_fake):
    opt_d.zero_grad()
    loss_real = F.softplus(-discriminator(x_real)).mean()
    loss_fake = F.softplus(discriminator(x_fake.detach())).mean()
    (loss_real + loss_fake).backward()
    opt_d.step()
    return loss_real.item(), loss_fake.item()
