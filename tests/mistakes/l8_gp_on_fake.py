"""The penalty evaluated on the generated points instead of on interpolates."""

import torch

EXERCISE = "gradient_penalty"
HINT = "computed on the fake points"


def gradient_penalty(critic, x_real, x_fake):
    x_hat = x_fake.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
