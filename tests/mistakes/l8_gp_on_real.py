"""The penalty evaluated on the real points (as in DRAGAN or R1 regularisation) instead of on interpolates."""

import torch

EXERCISE = "gradient_penalty"
HINT = "computed on the real points"


def gradient_penalty(critic, x_real, x_fake):
    x_hat = x_real.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
