"""A fresh z for the G step, drawn right after the D step (as some DCGAN code does)."""

import torch
import torch.nn.functional as F

EXERCISE = "train_step"


def train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim):
    n, device = x_real.shape[0], x_real.device
    x_fake = generator(torch.randn(n, latent_dim, device=device)).detach()
    opt_d.zero_grad()
    loss_d = F.softplus(-discriminator(x_real)).mean() + F.softplus(discriminator(x_fake)).mean()
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    discriminator.requires_grad_(False)
    loss_g = F.softplus(-discriminator(generator(torch.randn(n, latent_dim, device=device)))).mean()
    loss_g.backward()
    discriminator.requires_grad_(True)
    opt_g.step()
    return loss_d.detach(), loss_g.detach()
