"""|norm - 1| averaged: the square is missing."""

import torch

EXERCISE = "gradient_penalty"
HINT = "the square is missing"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.shape[0], *([1] * (x_real.dim() - 1)), device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return (grad.flatten(1).norm(2, dim=1) - 1).abs().mean()
