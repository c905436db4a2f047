r"""Lipschitz constraints for a critic: weight clipping, the gradient penalty, spectral normalisation.

References:
- Arjovsky et al. 2017, "Wasserstein GAN", Algorithm 1 (clip every weight to $[-c, c]$ after each critic step).
- Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", Algorithm 1 and section 4 (the penalty on
  random interpolates, one weight $\epsilon$ per example, and no BatchNorm in the critic).
- Miyato et al. 2018, "Spectral Normalization for Generative Adversarial Networks", section 2.1 (divide each
  weight by its largest singular value, estimated by power iteration).

The Wasserstein critic loss is $-W_1$ only over 1-Lipschitz critics. Clipping bounds the weights (a crude,
capacity-limiting box), the penalty pushes the gradient norm towards 1 where it is sampled, and spectral
normalisation makes each layer 1-Lipschitz by construction (LeakyReLU and ReLU are 1-Lipschitz already).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from gan_lab.runtime import GanLabError, GanLabTypeError, describe, expect_int, expect_same_device, expect_tensor

# the layers whose weight spectral normalisation rescales: every affine map of a discriminator
SPECTRAL_LAYERS = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d)
BATCH_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.SyncBatchNorm)


def interpolate(x_real: torch.Tensor, x_fake: torch.Tensor, eps: torch.Tensor | None = None) -> torch.Tensor:
    r"""Random points on the segments between paired real and fake examples, $\hat x = \epsilon x + (1-\epsilon)\tilde x$.

    ``eps`` holds one weight per example, shape (N,), drawn from $U[0, 1]$ when not given; it is broadcast
    over every non-batch dimension, so each $\hat x_i$ lies on the line through $x_i$ and $\tilde x_i$
    (a weight per pixel would scatter it inside a box instead).
    """
    expect_tensor("x_real", x_real, "(N, ...), a batch", tuple(range(1, 6)))
    expect_tensor("x_fake", x_fake, f"{tuple(x_real.shape)}, the shape of x_real", tuple(range(1, 6)))
    if x_fake.shape != x_real.shape:
        raise GanLabError(
            f"expected x_real and x_fake of the same shape (paired examples), got {tuple(x_real.shape)} and {tuple(x_fake.shape)}"
        )
    expect_same_device(x_real=x_real, x_fake=x_fake)
    n = x_real.shape[0]
    if eps is not None:
        expect_tensor("eps", eps, f"({n},), one weight per example", (1,))
        if eps.shape[0] != n:
            raise GanLabError(f"expected eps of shape ({n},), one weight per example, got {tuple(eps.shape)}")
    if eps is None:
        eps = torch.rand(n, device=x_real.device, dtype=x_real.dtype)
    eps = eps.reshape(n, *([1] * (x_real.dim() - 1)))  # (N, 1, 1, 1) for images, (N, 1) for points
    return eps * x_real.detach() + (1.0 - eps) * x_fake.detach()


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor],
    x_real: torch.Tensor,
    x_fake: torch.Tensor,
    eps: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""The WGAN-GP penalty (Gulrajani et al. 2017), without its weight $\lambda$.

    $$\mathcal{R}_{GP} = \frac{1}{N}\sum_i \Big(\big\lVert \nabla_{\hat x} f(\hat x_i) \big\rVert_2 - 1\Big)^2,
    \qquad \hat x_i = \epsilon_i x_i + (1 - \epsilon_i)\tilde x_i,\ \epsilon_i \sim U[0, 1].$$

    The norm is taken per example over all its non-batch dimensions (every pixel of every channel).
    Summing the scores before differentiating gives each example's own gradient because the critic
    treats examples independently, which is why the critic must have no BatchNorm.
    ``create_graph=True`` keeps the gradient differentiable, so the penalty trains the critic's weights.
    ``critic`` is any function of a batch: a conditional critic is passed with its labels bound.
    """
    if not callable(critic):
        raise GanLabTypeError(f"expected critic as a network (an nn.Module), got {describe(critic)}")
    x_hat = interpolate(x_real, x_fake, eps).requires_grad_(True)
    scores = critic(x_hat)  # (N, 1)
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)  # same shape as x_hat
    norms = grad.flatten(1).norm(2, dim=1)  # (N,): one norm per example
    return ((norms - 1.0) ** 2).mean()


@torch.no_grad()
def clip_weights_(critic: nn.Module, clip: float) -> None:
    """Clamp every parameter of ``critic`` to ``[-clip, clip]`` in place (WGAN, after each critic step)."""
    if not isinstance(clip, (int, float)) or not clip > 0:
        raise GanLabError(f"expected clip > 0 (Arjovsky et al. use 0.01), got {clip!r}")
    for p in critic.parameters():
        p.clamp_(-clip, clip)


def has_batch_norm(module: nn.Module) -> bool:
    """Whether ``module`` holds a BatchNorm layer (which couples the examples of a batch)."""
    return any(isinstance(m, BATCH_NORMS) for m in module.modules())


def has_spectral_norm(module: nn.Module) -> bool:
    """Whether some layer of ``module`` carries a spectral-norm parametrization of its weight (torch's, or the
    per-member one of ``gan_lab.lab2d.ensemble``: recognised by name, so this layer imports nothing above it)."""
    return any(
        type(p).__name__.endswith("SpectralNorm")
        for m in module.modules()
        if hasattr(m, "parametrizations") and "weight" in m.parametrizations
        for p in m.parametrizations["weight"]
    )


def apply_spectral_norm(module: nn.Module, n_power_iterations: int = 1) -> nn.Module:
    r"""Spectrally normalise every Linear and convolution layer of ``module`` in place; return it.

    Each weight $W$ is used as $W / \sigma(W)$, with $\sigma(W)$ its largest singular value estimated by
    ``n_power_iterations`` power-iteration steps per forward pass in training mode (Miyato et al. use 1:
    the estimate's vectors persist between steps and the weights move little per step).
    """
    expect_int("n_power_iterations", n_power_iterations)
    for m in list(module.modules()):
        if isinstance(m, SPECTRAL_LAYERS) and not has_spectral_norm(m):
            spectral_norm(m, n_power_iterations=n_power_iterations)
    return module


def weight_matrix(layer: nn.Module) -> torch.Tensor:
    """A layer's effective weight as a matrix (out, in * kernel), the one spectral norm's $\\sigma$ refers to."""
    w = layer.weight.detach()  # the normalised weight when the layer is parametrized
    if isinstance(layer, nn.ConvTranspose2d):
        w = w.transpose(0, 1)  # torch stores (in, out, kH, kW) for transposed convolutions
    return w.flatten(1)
