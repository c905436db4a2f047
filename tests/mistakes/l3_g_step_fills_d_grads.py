"""The discriminator is not frozen: loss_g.backward() fills its gradients."""

from gan_lab.losses import generator_loss_non_saturating

EXERCISE = "g_step"
HINT = "changed the discriminator's .grad"


def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    loss_g = generator_loss_non_saturating(discriminator(x_fake))
    loss_g.backward()
    opt_g.step()
    return loss_g.detach()
