"""One discriminator pass over cat([x_real, x_fake]) through BatchNorm."""

import torch
import torch.nn.functional as F

EXERCISE = "d_step"
HINT = "torch.cat"


def d_step(discriminator, opt_d, x_real, x_fake):
    opt_d.zero_grad()
    n = x_real.shape[0]
    logits = discriminator(torch.cat([x_real, x_fake.detach()]))
    loss_d = F.softplus(-logits[:n]).mean() + F.softplus(logits[n:]).mean()
    loss_d.backward()
    opt_d.step()
    return loss_d.detach()
