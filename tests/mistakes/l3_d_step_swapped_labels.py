"""The logits passed to the loss in the wrong order."""

from gan_lab.losses import discriminator_loss

EXERCISE = "d_step"
HINT = "swapped real/fake labels"


def d_step(discriminator, opt_d, x_real, x_fake):
    opt_d.zero_grad()
    loss_d = discriminator_loss(discriminator(x_fake.detach()), discriminator(x_real))
    loss_d.backward()
    opt_d.step()
    return loss_d.detach()
