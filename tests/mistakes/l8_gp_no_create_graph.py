"""torch.autograd.grad without create_graph=True: the value is right, but the penalty is a constant for the
optimizer and never trains the critic."""

import torch

EXERCISE = "gradient_penalty"
HINT = "create_graph=True"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.shape[0], *([1] * (x_real.dim() - 1)), device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
