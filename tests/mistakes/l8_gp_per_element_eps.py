"""One interpolation weight per element (torch.rand_like(x_real)) instead of one per example: x_hat leaves the
segment between the real and the fake example and lands anywhere in the box they span."""

import torch

EXERCISE = "gradient_penalty"
HINT = "a weight per element"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand_like(x_real)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
