"""Test networks and reference steps for the lesson-3 checks (d_step, g_step, train_step, sample_images).

The test discriminator has BatchNorm and dropout, like the DCGAN discriminator a learner's steps will
meet: BatchNorm makes one pass over ``cat([x_real, x_fake])`` differ from two passes, and dropout makes
eval mode differ from training mode. Its dropout mask is a fixed function of each activation's value (not
a draw from the random generator), so a step's result does not depend on the order in which a correct
step calls the discriminator on the real and the fake batch, and reference steps computed here on copies
can be compared weight for weight. A ``Probe`` layer records the mode and batch size of every call.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks._torch_guard import close


class Probe(nn.Module):
    """Identity layer that records (training, batch size) of every forward pass."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[bool, int]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((self.training, x.shape[0]))
        return x


class HashDropout(nn.Module):
    """Dropout with a mask that is a fixed function of each value: deterministic, order and batch independent,
    and insensitive to rounding (a value must lie within ~1e-7 of a band edge for the mask to change)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        with torch.no_grad():  # drop the values in every third band of width 0.2: about a third of them
            keep = torch.remainder(torch.floor(x * 5.0), 3) != 0  # (N, h) booleans
        return x * keep * 1.5


def discriminator(seed: int, features: int = 6) -> nn.Sequential:
    """features -> Linear(8, no bias: BatchNorm cancels it) -> BatchNorm1d -> LeakyReLU(0.2) -> dropout -> Linear(1): logits (N, 1)."""
    torch.manual_seed(seed)
    return nn.Sequential(
        Probe(),
        nn.Linear(features, 8, bias=False),
        nn.BatchNorm1d(8),
        nn.LeakyReLU(0.2),
        HashDropout(),
        nn.Linear(8, 1),
    )


def generator(seed: int, latent_dim: int, features: int = 6) -> nn.Sequential:
    """z (N, latent_dim) -> Linear(8) -> BatchNorm1d -> ReLU -> Linear(features) -> Tanh."""
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(latent_dim, 8, bias=False), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, features), nn.Tanh()
    )


def probe(module: nn.Module) -> Probe:
    return next(m for m in module.modules() if isinstance(m, Probe))


def fill_grads(module: nn.Module, value: float) -> None:
    for p in module.parameters():
        p.grad = torch.full_like(p, value)


def loss_d_of(d: nn.Module, x_real: torch.Tensor, x_fake: torch.Tensor, together: bool = False) -> torch.Tensor:
    """BCE(D(x_real), 1) + BCE(D(x_fake), 0), batch means; ``together``: one pass over the concatenated batch."""
    if together:
        logits = d(torch.cat([x_real, x_fake]))
        logits_real, logits_fake = logits[: len(x_real)], logits[len(x_real) :]
    else:
        logits_real, logits_fake = d(x_real), d(x_fake)
    return F.softplus(-logits_real).mean() + F.softplus(logits_fake).mean()


def loss_g_of(d: nn.Module, x_fake: torch.Tensor, saturating: bool = False) -> torch.Tensor:
    """Non-saturating BCE(D(x_fake), 1) = softplus(-logit); ``saturating``: log(1 - D) = -softplus(logit)."""
    logits = d(x_fake)
    return -F.softplus(logits).mean() if saturating else F.softplus(-logits).mean()


def clone_optimizer(opt: torch.optim.Optimizer, params: list[nn.Parameter]) -> torch.optim.Optimizer:
    """A fresh optimizer of the same kind and settings on other parameters."""
    return type(opt)(params, **opt.defaults)


def reference_train_step(
    g: nn.Module,
    d: nn.Module,
    opt_g: torch.optim.Optimizer,
    opt_d: torch.optim.Optimizer,
    x_real: torch.Tensor,
    latent_dim: int,
    seed: int,
    variant: str = "",
) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Weights of (G, D) after one correct train_step on copies, or after a known mistake (``variant``)."""
    g, d = copy.deepcopy(g), copy.deepcopy(d)
    og, od = clone_optimizer(opt_g, list(g.parameters())), clone_optimizer(opt_d, list(d.parameters()))
    torch.manual_seed(seed)
    n = x_real.shape[0]
    z = torch.rand(n, latent_dim) if variant == "uniform" else torch.randn(n, latent_dim)
    x_fake = g(z)

    def d_update() -> None:
        od.zero_grad()
        loss = loss_d_of(d, x_real, x_fake if variant == "leak" else x_fake.detach())
        loss.backward(retain_graph=variant == "leak")
        od.step()

    def g_update(fake: torch.Tensor) -> None:
        if variant != "leak":
            og.zero_grad()
        d.requires_grad_(False)
        loss_g_of(d, fake, saturating=variant == "saturating").backward()
        d.requires_grad_(True)
        og.step()

    if variant == "g_first":
        og.zero_grad()
        g_update(x_fake)
        d_update()
    else:
        if variant == "leak":
            og.zero_grad()
        d_update()
        g_update(g(torch.randn(n, latent_dim)) if variant == "fresh_z" else x_fake)
    return [p.detach().clone() for p in g.parameters()], [p.detach().clone() for p in d.parameters()]


def all_close(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return len(a) == len(b) and all(close(x, y, rtol=1e-4, atol=1e-6) for x, y in zip(a, b))
