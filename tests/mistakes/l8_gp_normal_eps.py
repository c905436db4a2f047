"""eps drawn with torch.randn (normal) instead of torch.rand (uniform on [0, 1])."""

import torch

EXERCISE = "gradient_penalty"
HINT = "outside [0, 1]"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.randn(x_real.shape[0], *([1] * (x_real.dim() - 1)), device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
