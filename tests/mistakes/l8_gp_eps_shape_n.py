"""eps of shape (N,): it lines up with the last dimension of x_real, not with the batch."""

import torch

EXERCISE = "gradient_penalty"
HINT = "does not broadcast against x_real"


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.shape[0], device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
