"""The gradient through grad_outputs=torch.ones_like(scores) (no .sum()), keyword arguments, and a norm by hand."""

import torch

EXERCISE = "gradient_penalty"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.size(0), *([1] * (x_real.dim() - 1)), device=x_real.device, dtype=x_real.dtype)
    x_hat = x_fake + eps * (x_real - x_fake)
    x_hat.requires_grad_(True)
    scores = critic(x_hat)
    grad = torch.autograd.grad(
        outputs=scores, inputs=x_hat, grad_outputs=torch.ones_like(scores), create_graph=True, retain_graph=True
    )[0]
    norms = torch.sqrt((grad**2).sum(dim=tuple(range(1, grad.dim()))))
    return torch.mean((norms - 1.0) ** 2)
