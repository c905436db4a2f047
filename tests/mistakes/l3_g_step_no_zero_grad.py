"""The G step never calls opt_g.zero_grad(): every step adds its gradient to those of all earlier steps."""

from gan_lab.losses import generator_loss_non_saturating

EXERCISE = "g_step"
HINT = "opt_g.zero_grad() is missing"


def g_step(discriminator, opt_g, x_fake):
    discriminator.requires_grad_(False)
    try:
        loss_g = generator_loss_non_saturating(discriminator(x_fake))
        loss_g.backward()
    finally:
        discriminator.requires_grad_(True)
    opt_g.step()
    return loss_g.detach()
