"""No detach in the D step and one zero_grad for both at the start: loss_d's gradient leaks into G."""

import torch
import torch.nn.functional as F

EXERCISE = "train_step"
HINT = "reached the generator"


def train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim):
    opt_d.zero_grad()
    opt_g.zero_grad()
    x_fake = generator(torch.randn(x_real.shape[0], latent_dim, device=x_real.device))
    loss_d = F.softplus(-discriminator(x_real)).mean() + F.softplus(discriminator(x_fake)).mean()
    loss_d.backward(retain_graph=True)
    opt_d.step()
    discriminator.requires_grad_(False)
    loss_g = F.softplus(-discriminator(x_fake)).mean()
    loss_g.backward()
    discriminator.requires_grad_(True)
    opt_g.step()
    return loss_d.item(), loss_g.item()
