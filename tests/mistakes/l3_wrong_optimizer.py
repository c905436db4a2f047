"""The D step is given opt_g: stepping the wrong optimizer."""

import torch

from gan_lab.train import d_step as ref_d_step
from gan_lab.train import g_step as ref_g_step

EXERCISE = "train_step"
HINT = "the wrong optimizer"


def train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim):
    z = torch.randn(x_real.shape[0], latent_dim, device=x_real.device)
    x_fake = generator(z)
    loss_d = ref_d_step(discriminator, opt_g, x_real, x_fake)["loss_d"]
    loss_g = ref_g_step(discriminator, opt_g, x_fake)["loss_g"]
    return loss_d, loss_g
