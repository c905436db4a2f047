"""The gradient norm taken over the batch dimension (dim=0): one norm per coordinate, mixing the examples."""

import torch

EXERCISE = "gradient_penalty"
HINT = "over the batch dimension"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.shape[0], *([1] * (x_real.dim() - 1)), device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.norm(2, dim=0) - 1) ** 2).mean()
