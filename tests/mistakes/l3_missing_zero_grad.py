"""No zero_grad at all: gradients accumulate across steps."""

from gan_lab.losses import discriminator_loss

EXERCISE = "d_step"
HINT = "opt_d.zero_grad() is missing"


def d_step(discriminator, opt_d, x_real, x_fake):
    loss_d = discriminator_loss(discriminator(x_real), discriminator(x_fake.detach()))
    loss_d.backward()
    opt_d.step()
    return loss_d.detach()
