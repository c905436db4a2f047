"""x_fake detached once for both steps: the generator never gets a gradient."""

import torch
import torch.nn.functional as F

EXERCISE = "train_step"
HINT = "generator's weights did not change"


def train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim):
    x_fake = generator(torch.randn(x_real.shape[0], latent_dim, device=x_real.device)).detach()
    opt_d.zero_grad()
    loss_d = F.softplus(-discriminator(x_real)).mean() + F.softplus(discriminator(x_fake)).mean()
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    loss_g = F.softplus(-discriminator(x_fake)).mean()
    loss_g.backward()
    opt_g.step()
    return loss_d.item(), loss_g.item()
