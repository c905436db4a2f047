"""The D step runs the discriminator on x_fake without .detach()."""

from gan_lab.losses import discriminator_loss

EXERCISE = "d_step"
HINT = "you forgot to detach x_fake"


def d_step(discriminator, opt_d, x_real, x_fake):
    opt_d.zero_grad()
    loss_d = discriminator_loss(discriminator(x_real), discriminator(x_fake))
    loss_d.backward()
    opt_d.step()
    return loss_d.detach()
