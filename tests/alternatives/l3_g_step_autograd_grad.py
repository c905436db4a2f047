"""Gradients for the generator only with torch.autograd.grad on x_fake, then x_fake.backward(grad)."""

import torch
import torch.nn.functional as F

EXERCISE = "g_step"


def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    loss_g = F.binary_cross_entropy_with_logits(logits := discriminator(x_fake), torch.ones_like(logits))
    (grad_x,) = torch.autograd.grad(loss_g, x_fake, retain_graph=True)  # D's .grad stays untouched
    x_fake.backward(grad_x)
    opt_g.step()
    return loss_g.detach()
