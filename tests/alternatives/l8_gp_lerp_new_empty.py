"""eps from x_real.new_empty(n).uniform_() reshaped to (n, 1, ...), and x_hat by torch.lerp(x_fake, x_real, eps)."""

import torch

EXERCISE = "gradient_penalty"


def gradient_penalty(critic, x_real, x_fake):
    n = x_real.shape[0]
    eps = x_real.new_empty(n).uniform_(0.0, 1.0).view(n, *([1] * (x_real.dim() - 1)))
    x_hat = torch.lerp(x_fake.detach(), x_real.detach(), eps).requires_grad_()
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
