"""opt_d.zero_grad() placed between backward() and step(): the step sees no gradient."""

from gan_lab.losses import discriminator_loss

EXERCISE = "d_step"
HINT = "zero_grad() after backward()"


def d_step(discriminator, opt_d, x_real, x_fake):
    loss_d = discriminator_loss(discriminator(x_real), discriminator(x_fake.detach()))
    loss_d.backward()
    opt_d.zero_grad()
    opt_d.step()
    return loss_d.detach()
