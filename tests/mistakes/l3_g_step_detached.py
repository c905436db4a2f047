"""The G step detaches x_fake, so no gradient reaches the generator."""

from gan_lab.losses import generator_loss_non_saturating

EXERCISE = "g_step"
HINT = "x_fake was detached in the G step"


def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    loss_g = generator_loss_non_saturating(discriminator(x_fake.detach()))
    loss_g.backward()
    opt_g.step()
    return loss_g.detach()
