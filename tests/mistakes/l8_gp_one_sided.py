"""A one-sided penalty, max(0, norm - 1)^2: the paper mentions it as an option, the exercise asks for the
two-sided penalty of Algorithm 1."""

import torch

EXERCISE = "gradient_penalty"
HINT = "one-sided"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.shape[0], *([1] * (x_real.dim() - 1)), device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return (torch.clamp(grad.flatten(1).norm(2, dim=1) - 1, min=0) ** 2).mean()
