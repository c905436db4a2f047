"""The norm over the last dimension (dim=-1): right for points (N, 2), but for images (N, C, H, W) it is one
norm per row of pixels, not one per example."""

import torch

EXERCISE = "gradient_penalty"
HINT = "over the last dimension only"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.shape[0], *([1] * (x_real.dim() - 1)), device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.norm(2, dim=-1) - 1) ** 2).mean()
