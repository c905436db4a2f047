r"""A GAN objective: a loss family, its Lipschitz constraint, and how often the critic steps; checked as a whole.

References:
- Goodfellow et al. 2014 (non-saturating, saturating); Mao et al. 2017 (LSGAN); Arjovsky et al. 2017 (WGAN,
  weight clipping, $n_{critic} = 5$, RMSProp); Gulrajani et al. 2017 (WGAN-GP, $\lambda = 10$, $n_{critic} = 5$,
  Adam with $\beta = (0, 0.9)$); Lim & Ye 2017 and Miyato et al. 2018 (hinge loss, spectral normalisation);
  Heusel et al. 2017 (two time-scale update rule: a larger learning rate for the discriminator).

The training loop (``gan_lab.train`` for MNIST, ``gan_lab.lab2d.train`` in the plane) asks this module for
``loss_d`` and ``loss_g``, calls :func:`after_critic_step` after each ``opt_d.step()``, and runs
``n_critic`` critic steps per generator step. :func:`check_objective` turns combinations that cannot work
into one-line :class:`GanLabError` messages before any step runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from gan_lab import losses
from gan_lab.regularizers import clip_weights_, gradient_penalty, has_batch_norm, has_spectral_norm
from gan_lab.runtime import GanLabError


@dataclass
class Objective:
    """What the two players minimise. The defaults are the course's original GAN."""

    loss: str = field(default="non-saturating", metadata={"help": "loss family", "choices": losses.LOSSES})
    # lambda of WGAN-GP: Gulrajani et al. use 10 for every data set
    gp_weight: float = field(default=10.0, metadata={"help": "gradient penalty weight (wgan-gp)"})
    # c of WGAN: Arjovsky et al. clip to [-0.01, 0.01]
    clip: float = field(default=0.01, metadata={"help": "weight clipping bound (wgan)"})
    # Miyato et al. normalise every layer of the discriminator; it pairs with any loss but clipping
    spectral_norm: bool = field(default=False, metadata={"help": "spectral normalisation of the discriminator"})
    # critic steps per generator step: 5 in both WGAN papers, 1 for the others
    n_critic: int = field(default=1, metadata={"help": "discriminator steps per generator step"})


def check_objective(obj: Objective, discriminator: nn.Module | None = None, real_label: float = 1.0) -> None:
    """Raise a one-line :class:`GanLabError` for a setting that cannot train as intended.

    ``discriminator`` (already spectrally normalised when ``obj.spectral_norm``) is inspected for BatchNorm.
    """
    if obj.loss not in losses.LOSSES:
        raise GanLabError(f"unknown loss {obj.loss!r}: expected one of {', '.join(losses.LOSSES)}")
    if obj.n_critic < 1:
        raise GanLabError(f"--n-critic must be at least 1, got {obj.n_critic}")
    if obj.loss == "wgan" and not obj.clip > 0:
        raise GanLabError(f"--loss wgan clips the critic's weights to [-c, c]: expected --clip > 0, got {obj.clip}")
    if obj.loss == "wgan-gp" and not obj.gp_weight > 0:
        raise GanLabError(f"--loss wgan-gp needs a positive --gp-weight (10 in Gulrajani et al.), got {obj.gp_weight}")
    if obj.loss == "wgan" and obj.spectral_norm:
        raise GanLabError(
            "--loss wgan clips weights and --spectral-norm rescales them: choose one Lipschitz constraint "
            "(--loss wgan-gp or hinge go with spectral norm)"
        )
    if real_label != 1.0 and obj.loss not in losses.GENERATOR_LOSSES:
        raise GanLabError(f"--real-label smooths cross-entropy targets; --loss {obj.loss} has none: leave it at 1")
    if discriminator is None:
        return
    if obj.loss == "wgan-gp" and has_batch_norm(discriminator):
        raise GanLabError(
            "--loss wgan-gp penalises each example's gradient, but this critic has BatchNorm, which mixes the "
            "examples of a batch: use a critic without BatchNorm (Gulrajani et al. suggest LayerNorm)"
        )
    if obj.spectral_norm and not has_spectral_norm(discriminator):
        raise GanLabError("--spectral-norm is set but the discriminator has no spectrally normalised layer")
    if obj.loss == "wgan" and has_spectral_norm(discriminator):
        raise GanLabError("--loss wgan clips weights, but the discriminator is spectrally normalised: choose one")


def critic_loss(
    obj: Objective, discriminator: nn.Module, x_real: torch.Tensor, x_fake: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""``(loss_d, logits_real, logits_fake)`` for one discriminator (critic) step; ``x_fake`` is detached here.

    For WGAN-GP, $\mathcal{L}_D = \mathcal{L}_D^{W} + \lambda\,\mathcal{R}_{GP}$ (``gan_lab.regularizers``).
    """
    x_fake = x_fake.detach()  # the critic's step must not reach the generator
    logits_real, logits_fake = discriminator(x_real), discriminator(x_fake)  # (N, 1) each
    loss_d = discriminator_objective(obj, logits_real, logits_fake)
    if obj.loss == "wgan-gp":
        loss_d = loss_d + obj.gp_weight * gradient_penalty(discriminator, x_real, x_fake)
    return loss_d, logits_real, logits_fake


def discriminator_objective(
    obj: Objective, logits_real: torch.Tensor, logits_fake: torch.Tensor, real_label: float = 1.0
) -> torch.Tensor:
    """``loss_d`` of the loss family from the scores of a real and a fake batch, before any penalty term.

    ``real_label`` < 1 is one-sided label smoothing, which only the cross-entropy losses have (the check refuses it
    for the others).
    """
    if obj.loss in losses.GENERATOR_LOSSES:
        return losses.discriminator_loss(logits_real, logits_fake, real_label)
    return losses.family_discriminator_loss(obj.loss, logits_real, logits_fake)


def generator_objective(obj: Objective, logits_fake: torch.Tensor) -> torch.Tensor:
    """``loss_g`` from the discriminator's scores of fresh fakes (gradients flow to the generator)."""
    return losses.family_generator_loss(obj.loss, logits_fake)


def after_critic_step(obj: Objective, discriminator: nn.Module) -> None:
    """What follows each ``opt_d.step()``: weight clipping for WGAN, nothing for the others."""
    if obj.loss == "wgan":
        clip_weights_(discriminator, obj.clip)


def ttur_learning_rates(lr: float, ratio: float) -> tuple[float, float]:
    """``(lr_g, lr_d)`` for a two time-scale update rule: the discriminator's rate is ``ratio`` times the generator's.

    Heusel et al. 2017 prove convergence to a local Nash equilibrium when the two rates differ; in practice
    a faster discriminator (ratio > 1, e.g. 1e-4 and 4e-4) lets it track the generator between steps.
    """
    if not (lr > 0 and ratio > 0):
        raise GanLabError(f"expected a learning rate > 0 and a ratio > 0, got {lr} and {ratio}")
    return lr, lr * ratio
