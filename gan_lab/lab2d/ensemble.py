r"""Several independent small MLPs evaluated as one: S runs of the 2-D lab trained for the price of about one.

References:
- Miyato et al. 2018, "Spectral Normalization for GANs", Algorithm 1 (power iteration, one step per forward pass).

A network of the 2-D lab is tiny (two hidden layers of 128 units), so one training step is dominated by the
fixed cost of each PyTorch call, not by arithmetic. Stacking the weights of S members, $W \in \mathbb{R}^{S
\times n_{in} \times n_{out}}$, and multiplying batch-wise (``torch.baddbmm``) runs S seeds in the same calls.

The members never interact: each row of the input belongs to one member (the batch is laid out as S blocks of
B rows, ``(S * B, d)``), each member's output depends only on its own weights and rows, and every loss is a
mean over rows, so ``S * loss`` has, for member $s$, exactly the gradient of member $s$'s own loss. Adam and
weight clipping act element by element, so they too treat the members independently. Only spectral
normalisation needs care: each member's weight is divided by its own largest singular value
(:class:`EnsembleSpectralNorm`), not by one of the stacked tensor.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import parametrize


class EnsembleLinear(nn.Module):
    """S independent linear maps: (S * B, n_in) -> (S * B, n_out), block s through weight[s] and bias[s]."""

    def __init__(self, members: list[nn.Linear]) -> None:
        super().__init__()
        # (S, n_in, n_out): stored transposed, so the block product is x @ weight[s]
        self.weight = nn.Parameter(torch.stack([m.weight.detach().t() for m in members]))
        self.bias = nn.Parameter(torch.stack([m.bias.detach() for m in members]).unsqueeze(1))  # (S, 1, n_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.weight.shape[0]
        blocks = x.reshape(s, -1, x.shape[-1])  # (S, B, n_in)
        return torch.baddbmm(self.bias, blocks, self.weight).reshape(-1, self.weight.shape[-1])  # (S * B, n_out)


def stack_members(members: list[nn.Sequential]) -> nn.Sequential:
    """One network computing ``members`` (identical architectures of Linear layers and activations) side by side."""
    layers = []
    for parts in zip(*members):
        layers.append(EnsembleLinear(list(parts)) if isinstance(parts[0], nn.Linear) else parts[0])
    return nn.Sequential(*layers)


def unstack(x: torch.Tensor, members: int) -> torch.Tensor:
    """(S * B, d) -> (S, B, d): the rows of each member."""
    return x.reshape(members, -1, x.shape[-1])


class EnsembleSpectralNorm(nn.Module):
    r"""Per-member spectral normalisation of a stacked weight (S, n_in, n_out): $W_s / \sigma(W_s)$.

    $\sigma(W_s) \approx u_s^\top W_s v_s$ with $u_s, v_s$ refined by ``n_power_iterations`` steps of power
    iteration at each forward pass in training mode, and kept between passes (as torch's ``spectral_norm``).
    """

    def __init__(self, weight: torch.Tensor, n_power_iterations: int = 1) -> None:
        super().__init__()
        s, n_in, n_out = weight.shape
        self.n_power_iterations = n_power_iterations
        self.register_buffer("u", F.normalize(torch.randn(s, n_in), dim=1))  # (S, n_in)
        self.register_buffer("v", F.normalize(torch.randn(s, n_out), dim=1))  # (S, n_out)

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        u, v = self.u, self.v
        if self.training:
            with torch.no_grad():
                for _ in range(self.n_power_iterations):
                    v = F.normalize(torch.einsum("si,sio->so", u, weight), dim=1)
                    u = F.normalize(torch.einsum("sio,so->si", weight, v), dim=1)
                self.u.copy_(u)
                self.v.copy_(v)
        # u and v are constants of the graph (as in Miyato et al.): the gradient flows through W only; clones,
        # because the next forward pass updates the buffers in place before this one's backward pass
        sigma = torch.einsum("si,sio,so->s", u.clone(), weight, v.clone())  # (S,)
        return weight / sigma.view(-1, 1, 1)


def ensemble_spectral_norm(network: nn.Module, n_power_iterations: int = 1) -> nn.Module:
    """Spectrally normalise each member of every :class:`EnsembleLinear` of ``network`` in place; return it."""
    for m in network.modules():
        if isinstance(m, EnsembleLinear):
            parametrize.register_parametrization(m, "weight", EnsembleSpectralNorm(m.weight, n_power_iterations))
    return network
