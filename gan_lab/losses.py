r"""GAN losses on logits (the discriminator never applies a sigmoid itself).

References:
- Goodfellow et al. 2014, "Generative Adversarial Nets", section 3 (value function, the saturating and
  non-saturating generator objectives).
- Salimans et al. 2016, "Improved Techniques for Training GANs", section 3.4 (one-sided label smoothing).
- Mao et al. 2017, "Least Squares Generative Adversarial Networks", eq. (2) with a = 0, b = c = 1.
- Arjovsky et al. 2017, "Wasserstein GAN", Algorithm 1 (critic and generator objectives).
- Lim & Ye 2017, "Geometric GAN"; Miyato et al. 2018, "Spectral Normalization for GANs", eq. (16) (hinge).

The Lipschitz constraints that the Wasserstein losses need (clipping, gradient penalty, spectral norm)
live in ``gan_lab.regularizers``; ``gan_lab.objectives`` puts a loss and its constraint together.

With $\ell$ a logit and $\sigma$ the sigmoid, $D(x) = \sigma(\ell)$ and
$\log \sigma(\ell) = -\operatorname{softplus}(-\ell)$, $\log(1 - \sigma(\ell)) = -\operatorname{softplus}(\ell)$.
Computing these from the logit (``binary_cross_entropy_with_logits``) never evaluates ``log(0)``:
a sigmoid followed by ``log`` underflows to ``-inf`` once $|\ell| \gtrsim 17$ in float32.
"""

from __future__ import annotations

import numbers

import torch
import torch.nn.functional as F

from gan_lab.runtime import GanLabError, expect_same_device, expect_tensor

GENERATOR_LOSSES = ("non-saturating", "saturating")


def check_logits(logits_real: torch.Tensor | None, logits_fake: torch.Tensor) -> None:
    """One float score per image, shape (N,) or (N, 1), on one device: else a one-line error saying what came.

    Every loss below calls it; it reads only shapes and dtypes (no device synchronisation), so it costs
    about a microsecond per step. Images passed in place of scores are the mistake it is there for.
    """
    if _scores(logits_fake) and (
        logits_real is None or _scores(logits_real) and logits_real.device == logits_fake.device
    ):
        return  # the fast path, taken at every training step; the slow one below only finds the words
    for name, logits in (("logits_real", logits_real), ("logits_fake", logits_fake)):
        if logits is None:
            continue
        expect_tensor(name, logits, "(N,) or (N, 1), one score per image", (1, 2))
        if logits.ndim == 2 and logits.shape[1] != 1:
            raise GanLabError(
                f"expected {name} of shape (N,) or (N, 1), one score per image, got {tuple(logits.shape)}"
                " (pass the discriminator's output, not images or class logits)"
            )
    if logits_real is not None:
        expect_same_device(logits_real=logits_real, logits_fake=logits_fake)


def _scores(logits: object) -> bool:
    return (
        isinstance(logits, torch.Tensor)
        and logits.is_floating_point()
        and (logits.ndim == 1 or logits.ndim == 2 and logits.shape[1] == 1)
    )


def discriminator_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor, real_label: float = 1.0) -> torch.Tensor:
    r"""Binary cross-entropy of the discriminator, real images labelled ``real_label``, fakes 0.

    $$\mathcal{L}_D = -\frac{1}{N}\sum_i \Big[y \log \sigma(\ell^{real}_i) + (1-y)\log(1-\sigma(\ell^{real}_i))\Big]
    - \frac{1}{N}\sum_i \log\big(1 - \sigma(\ell^{fake}_i)\big)$$

    With $y = 1$ this is $-V(D, G)$ estimated on a batch: minimising it maximises the value function.
    ``real_label < 1`` is one-sided label smoothing (Salimans et al. 2016): only the real targets are
    softened, so the discriminator is discouraged from over-confident real scores without rewarding
    the generator for the fakes it already produces.
    """
    check_logits(logits_real, logits_fake)
    if not isinstance(real_label, numbers.Real) or not 0.0 <= real_label <= 1.0:
        raise GanLabError(f"expected real_label in [0, 1] (a probability target; 0.9 smooths), got {real_label!r}")
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
    check_logits(None, logits_fake)
    return -F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))


def generator_loss_non_saturating(logits_fake: torch.Tensor) -> torch.Tensor:
    r"""The non-saturating generator loss (Goodfellow et al. 2014): maximise $\log D(G(z))$ instead.

    $$\mathcal{L}_G^{ns} = -\frac{1}{N}\sum_i \log \sigma(\ell^{fake}_i)
    = \frac{1}{N}\sum_i \operatorname{softplus}(-\ell^{fake}_i)$$

    Same fixed point as the saturating loss, but its gradient with respect to the logit is
    $\sigma(\ell) - 1 \approx -1$ when the discriminator rejects the fakes: strong gradients early on.
    """
    check_logits(None, logits_fake)
    return F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))


def generator_loss(logits_fake: torch.Tensor, kind: str = "non-saturating") -> torch.Tensor:
    """Dispatch on ``kind`` (``non-saturating`` or ``saturating``)."""
    if kind == "non-saturating":
        return generator_loss_non_saturating(logits_fake)
    if kind == "saturating":
        return generator_loss_saturating(logits_fake)
    raise GanLabError(f"unknown generator loss {kind!r}: expected one of {', '.join(GENERATOR_LOSSES)}")


# --- beyond the cross-entropy: least squares, Wasserstein and hinge -------------------------------------------
# These take the discriminator's raw output ``logits_*`` too (a score, no sigmoid); for the Wasserstein and hinge
# losses that output is a critic's score, for LSGAN a regression target.

LOSSES = ("non-saturating", "saturating", "lsgan", "wgan", "wgan-gp", "hinge")
WASSERSTEIN_LOSSES = ("wgan", "wgan-gp")  # the critic estimates a Wasserstein-1 distance: needs a Lipschitz constraint


def lsgan_discriminator_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    r"""Least squares discriminator loss (Mao et al. 2017), real target $b = 1$, fake target $a = 0$.

    $$\mathcal{L}_D^{ls} = \frac{1}{2N}\sum_i \big(\ell^{real}_i - 1\big)^2 + \frac{1}{2N}\sum_i \big(\ell^{fake}_i\big)^2$$

    A fake far on the real side of the decision boundary is still penalised, so it keeps a gradient
    where the sigmoid cross-entropy has saturated.
    """
    check_logits(logits_real, logits_fake)
    return 0.5 * ((logits_real - 1.0) ** 2).mean() + 0.5 * (logits_fake**2).mean()


def lsgan_generator_loss(logits_fake: torch.Tensor) -> torch.Tensor:
    r"""Least squares generator loss (Mao et al. 2017), target $c = 1$: $\mathcal{L}_G^{ls} = \frac{1}{2N}\sum_i (\ell^{fake}_i - 1)^2$."""
    check_logits(None, logits_fake)
    return 0.5 * ((logits_fake - 1.0) ** 2).mean()


def wasserstein_critic_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    r"""The critic's loss (Arjovsky et al. 2017): minus the Kantorovich-Rubinstein estimate of $W_1$.

    $$\mathcal{L}_D^{W} = \frac{1}{N}\sum_i f(\tilde x_i) - \frac{1}{N}\sum_i f(x_i)$$

    with $f$ the critic (its score is ``logits_*``). It only estimates $-W_1$ when $f$ is 1-Lipschitz,
    which weight clipping, the gradient penalty or spectral normalisation (``gan_lab.regularizers``) enforce.
    """
    check_logits(logits_real, logits_fake)
    return logits_fake.mean() - logits_real.mean()


def wasserstein_generator_loss(logits_fake: torch.Tensor) -> torch.Tensor:
    r"""The generator's Wasserstein loss $\mathcal{L}_G^{W} = -\frac{1}{N}\sum_i f(\tilde x_i)$ (also the hinge GAN's)."""
    check_logits(None, logits_fake)
    return -logits_fake.mean()


def hinge_discriminator_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    r"""Hinge discriminator loss (Lim & Ye 2017; Miyato et al. 2018, eq. 16).

    $$\mathcal{L}_D^{hinge} = \frac{1}{N}\sum_i \max(0, 1 - \ell^{real}_i) + \frac{1}{N}\sum_i \max(0, 1 + \ell^{fake}_i)$$

    Scores beyond the margin ($\ell^{real} > 1$, $\ell^{fake} < -1$) cost nothing, so the discriminator
    stops pushing points that are already classified with a margin.
    """
    check_logits(logits_real, logits_fake)
    return F.relu(1.0 - logits_real).mean() + F.relu(1.0 + logits_fake).mean()


def hinge_generator_loss(logits_fake: torch.Tensor) -> torch.Tensor:
    r"""Hinge GAN generator loss: $\mathcal{L}_G^{hinge} = -\frac{1}{N}\sum_i \ell^{fake}_i$ (the Wasserstein generator loss)."""
    return wasserstein_generator_loss(logits_fake)


def family_discriminator_loss(kind: str, logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    """The discriminator's (critic's) loss of family ``kind`` (one of ``LOSSES``), without any penalty term."""
    if kind in GENERATOR_LOSSES:
        return discriminator_loss(logits_real, logits_fake)
    if kind == "lsgan":
        return lsgan_discriminator_loss(logits_real, logits_fake)
    if kind in WASSERSTEIN_LOSSES:
        return wasserstein_critic_loss(logits_real, logits_fake)
    if kind == "hinge":
        return hinge_discriminator_loss(logits_real, logits_fake)
    raise GanLabError(f"unknown loss {kind!r}: expected one of {', '.join(LOSSES)}")


def family_generator_loss(kind: str, logits_fake: torch.Tensor) -> torch.Tensor:
    """The generator's loss of family ``kind`` (one of ``LOSSES``)."""
    if kind in GENERATOR_LOSSES:
        return generator_loss(logits_fake, kind)
    if kind == "lsgan":
        return lsgan_generator_loss(logits_fake)
    if kind in (*WASSERSTEIN_LOSSES, "hinge"):
        return wasserstein_generator_loss(logits_fake)
    raise GanLabError(f"unknown loss {kind!r}: expected one of {', '.join(LOSSES)}")
