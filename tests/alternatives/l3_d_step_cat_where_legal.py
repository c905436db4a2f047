"""One discriminator pass over cat([x_real, x_fake]) where that is legal (no BatchNorm), two passes otherwise."""

import torch
import torch.nn.functional as F
from torch import nn

EXERCISE = "d_step"


def d_step(discriminator, opt_d, x_real, x_fake):
    opt_d.zero_grad()
    n = x_real.shape[0]
    if any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in discriminator.modules()):
        logits_real, logits_fake = discriminator(x_real), discriminator(x_fake.detach())
    else:  # one pass: real and fake cannot share batch statistics
        logits = discriminator(torch.cat([x_real, x_fake.detach()]))
        logits_real, logits_fake = logits[:n], logits[n:]
    loss_d = F.binary_cross_entropy_with_logits(logits_real, torch.ones_like(logits_real))
    loss_d = loss_d + F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
    loss_d.backward()
    opt_d.step()
    return loss_d
