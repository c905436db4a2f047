"""eps from torch.rand_like on a (n, 1, ...) slice of a reshaped tensor, the norm by torch.linalg.vector_norm over
every non-batch dimension, squared with torch.square."""

import torch

EXERCISE = "gradient_penalty"


def gradient_penalty(critic, x_real, x_fake):
    n = len(x_real)
    eps = torch.rand_like(x_real.reshape(n, -1)[:, :1]).reshape(n, *([1] * (x_real.dim() - 1)))
    x_hat = (eps * x_real + (1.0 - eps) * x_fake).detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), [x_hat], create_graph=True)
    norms = torch.linalg.vector_norm(grad, ord=2, dim=tuple(range(1, grad.dim())))
    return torch.square(norms - 1).mean()
