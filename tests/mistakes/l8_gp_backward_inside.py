"""backward() inside the penalty to read x_hat.grad: it also fills the critic's .grad as a side effect."""

import torch

EXERCISE = "gradient_penalty"
HINT = "backward() was called inside gradient_penalty"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.shape[0], *([1] * (x_real.dim() - 1)), device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    critic(x_hat).sum().backward(create_graph=True)
    return ((x_hat.grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
