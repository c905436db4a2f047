r"""GAN losses on logits (the discriminator never applies a sigmoid itself).

References:
- Goodfellow et al. 2014, "Generative Adversarial Nets", section 3 (value function, the saturating and
  non-saturating generator objectives).
- Salimans et al. 2016, "Improved Techniques for Training GANs", section 3.4 (one-sided label smoothing).

With $\ell$ a logit and $\sigma$ the sigmoid, $D(x) = \sigma(\ell)$ and
$\log \sigma(\ell) = -\operatorname{softplus}(-\ell)$, $\log(1 - \sigma(\ell)) = -\operatorname{softplus}(\ell)$.
Computing these from the logit (``binary_cross_entropy_with_logits``) never evaluates ``log(0)``:
a sigmoid followed by ``log`` underflows to ``-inf`` once $|\ell| \gtrsim 17$ in float32.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

GENERATOR_LOSSES = ("non-saturating", "saturating")


def discriminator_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor, real_label: float = 1.0) -> torch.Tensor:
    r"""Binary cross-entropy of the discriminator, real images labelled ``real_label``, fakes 0.

    $$\mathcal{L}_D = -\frac{1}{N}\sum_i \Big[y \log \sigma(\ell^{real}_i) + (1-y)\log(1-\sigma(\ell^{real}_i))\Big]
    - \frac{1}{N}\sum_i \log\big(1 - \sigma(\ell^{fake}_i)\big)$$

    With $y = 1$ this is $-V(D, G)$ estimated on a batch: minimising it maximises the value function.
    ``real_label < 1`` is one-sided label smoothing (Salimans et al. 2016): only the real targets are
    softened, so the discriminator is discouraged from over-confident real scores without rewarding
    the generator for the fakes it already produces.
    """
    loss_real = F.binary_cross_entropy_with_logits(logits_real, torch.full_like(logits_real, real_label))
    loss_fake = F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
    return loss_real + loss_fake


def generator_loss_saturating(logits_fake: torch.Tensor) -> torch.Tensor:
    r"""The minimax generator loss, the generator's side of $V(D, G)$.

    $$\mathcal{L}_G^{sat} = \frac{1}{N}\sum_i \log\big(1 - \sigma(\ell^{fake}_i)\big)
    = -\frac{1}{N}\sum_i \operatorname{softplus}(\ell^{fake}_i)$$

    Its gradient with respect to the logit is $-\sigma(\ell)$: close to 0 exactly when the
    discriminator confidently rejects the fakes ($\ell \ll 0$), early in training. Hence "saturating".
    """
    return -F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))


def generator_loss_non_saturating(logits_fake: torch.Tensor) -> torch.Tensor:
    r"""The non-saturating generator loss (Goodfellow et al. 2014): maximise $\log D(G(z))$ instead.

    $$\mathcal{L}_G^{ns} = -\frac{1}{N}\sum_i \log \sigma(\ell^{fake}_i)
    = \frac{1}{N}\sum_i \operatorname{softplus}(-\ell^{fake}_i)$$

    Same fixed point as the saturating loss, but its gradient with respect to the logit is
    $\sigma(\ell) - 1 \approx -1$ when the discriminator rejects the fakes: strong gradients early on.
    """
    return F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))


def generator_loss(logits_fake: torch.Tensor, kind: str = "non-saturating") -> torch.Tensor:
    """Dispatch on ``kind`` (``non-saturating`` or ``saturating``)."""
    if kind == "non-saturating":
        return generator_loss_non_saturating(logits_fake)
    if kind == "saturating":
        return generator_loss_saturating(logits_fake)
    raise ValueError(f"unknown generator loss {kind!r}: expected one of {', '.join(GENERATOR_LOSSES)}")
