"""Both steps written inline, z drawn with torch.normal, loss values returned as floats."""

import torch
import torch.nn.functional as F

EXERCISE = "train_step"


def train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim):
    z = torch.randn(x_real.shape[0], latent_dim, device=x_real.device)
    x_fake = generator(z)
    opt_d.zero_grad()
    loss_d = F.softplus(-discriminator(x_real)).mean() + F.softplus(discriminator(x_fake.detach())).mean()
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    discriminator.requires_grad_(False)
    loss_g = F.softplus(-discriminator(x_fake)).mean()
    loss_g.backward()
    discriminator.requires_grad_(True)
    opt_g.step()
    return loss_d.item(), loss_g.item()
