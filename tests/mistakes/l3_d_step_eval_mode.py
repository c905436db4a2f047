"""discriminator.eval() in the D step."""

import torch.nn.functional as F

EXERCISE = "d_step"
HINT = "eval mode"


def d_step(discriminator, opt_d, x_real, x_fake):
    discriminator.eval()
    opt_d.zero_grad()
    loss_d = F.softplus(-discriminator(x_real)).mean() + F.softplus(discriminator(x_fake.detach())).mean()
    loss_d.backward()
    opt_d.step()
    discriminator.train()
    return loss_d.detach()
