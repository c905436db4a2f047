"""requires_grad_(False) on the discriminator, never restored."""

from gan_lab.losses import generator_loss_non_saturating

EXERCISE = "g_step"
HINT = "left frozen"


def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    discriminator.requires_grad_(False)
    loss_g = generator_loss_non_saturating(discriminator(x_fake))
    loss_g.backward()
    opt_g.step()
    return loss_g.detach()
