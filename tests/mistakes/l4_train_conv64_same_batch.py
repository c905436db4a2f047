"""The training loop takes the first batch_size images at every step instead of a new random batch."""

import torch
import torch.nn.functional as F


def discriminator_loss(logits_real, logits_fake):
    loss_real = F.binary_cross_entropy_with_logits(logits_real, torch.ones_like(logits_real))
    return loss_real + F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))


def generator_loss_non_saturating(logits_fake):
    return F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))


def d_step(discriminator, opt_d, x_real, x_fake):
    opt_d.zero_grad()
    loss_d = discriminator_loss(discriminator(x_real), discriminator(x_fake.detach()))
    loss_d.backward()
    opt_d.step()
    return loss_d.detach()


def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    discriminator.requires_grad_(False)
    loss_g = generator_loss_non_saturating(discriminator(x_fake))
    loss_g.backward()
    discriminator.requires_grad_(True)
    opt_g.step()
    return loss_g.detach()


EXERCISE = "train_conv64"
HINT = "the same batch at every step"


def train_conv64(generator, discriminator, x_train, steps, batch_size=32, latent_dim=100, progress=None):
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    for step in range(1, steps + 1):
        x_real = x_train[:batch_size]
        x_fake = generator(torch.randn(batch_size, latent_dim))
        loss_d = d_step(discriminator, opt_d, x_real, x_fake)
        loss_g = g_step(discriminator, opt_g, x_fake)
        if progress is not None:
            progress.update(step, loss_d, loss_g, x_real, x_fake)
