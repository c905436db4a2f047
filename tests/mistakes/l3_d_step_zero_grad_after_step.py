"""zero_grad after the step, as some tutorials write it: the D step applies whatever .grad held before its
backward (the G step's gradients, when the G step does not freeze D) on top of its own."""

from gan_lab.losses import discriminator_loss

EXERCISE = "d_step"
HINT = "opt_d.zero_grad() is missing"


def d_step(discriminator, opt_d, x_real, x_fake):
    loss_d = discriminator_loss(discriminator(x_real), discriminator(x_fake.detach()))
    loss_d.backward()
    opt_d.step()
    opt_d.zero_grad()
    return loss_d.detach()
