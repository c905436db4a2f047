"""Losses against PyTorch's own functions, on fixed and random logits."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from gan_lab import losses

FIXED = torch.tensor([[-3.0], [-0.5], [0.0], [0.7], [4.0]])


def random_logits(seed: int, n: int = 32) -> torch.Tensor:
    return torch.randn(n, 1, generator=torch.Generator().manual_seed(seed)) * 3


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("real_label", [1.0, 0.9])
def test_discriminator_loss_matches_bce_on_probabilities(seed: int, real_label: float) -> None:
    logits_real, logits_fake = random_logits(seed), random_logits(seed + 100)
    expected = F.binary_cross_entropy(torch.sigmoid(logits_real), torch.full_like(logits_real, real_label)) + (
        F.binary_cross_entropy(torch.sigmoid(logits_fake), torch.zeros_like(logits_fake))
    )
    assert torch.allclose(losses.discriminator_loss(logits_real, logits_fake, real_label), expected, atol=1e-5)


def test_discriminator_loss_is_minus_the_value_function() -> None:
    logits_real, logits_fake = FIXED, FIXED.flip(0)
    value = F.logsigmoid(logits_real).mean() + torch.log1p(-torch.sigmoid(logits_fake)).mean()
    assert torch.allclose(losses.discriminator_loss(logits_real, logits_fake), -value, atol=1e-6)


@pytest.mark.parametrize("logits", [FIXED, random_logits(3)])
def test_generator_losses(logits: torch.Tensor) -> None:
    assert torch.allclose(losses.generator_loss_non_saturating(logits), -F.logsigmoid(logits).mean(), atol=1e-6)
    assert torch.allclose(
        losses.generator_loss_saturating(logits), torch.log1p(-torch.sigmoid(logits)).mean(), atol=1e-5
    )
    assert torch.equal(losses.generator_loss(logits, "saturating"), losses.generator_loss_saturating(logits))
    assert torch.equal(losses.generator_loss(logits), losses.generator_loss_non_saturating(logits))


def test_gradients_with_respect_to_the_logit() -> None:
    """d/dl of the saturating loss is -sigmoid(l)/N (vanishes when D rejects: l << 0); the
    non-saturating one is (sigmoid(l) - 1)/N (close to -1/N there)."""
    logits = FIXED.clone().requires_grad_(True)
    losses.generator_loss_saturating(logits).backward()
    assert torch.allclose(logits.grad, -torch.sigmoid(FIXED) / len(FIXED), atol=1e-6)
    logits.grad = None
    losses.generator_loss_non_saturating(logits).backward()
    assert torch.allclose(logits.grad, (torch.sigmoid(FIXED) - 1) / len(FIXED), atol=1e-6)


def test_losses_are_finite_for_extreme_logits() -> None:
    """A sigmoid followed by log would give inf here; the *_with_logits forms do not."""
    extreme = torch.tensor([[-200.0], [200.0]], requires_grad=True)
    for value in (
        losses.discriminator_loss(extreme, extreme),
        losses.generator_loss_saturating(extreme),
        losses.generator_loss_non_saturating(extreme),
    ):
        value.backward()
        assert torch.isfinite(value) and torch.isfinite(extreme.grad).all()
        extreme.grad = None


def test_unknown_generator_loss() -> None:
    with pytest.raises(ValueError, match="non-saturating, saturating"):
        losses.generator_loss(FIXED, "wasserstein")


def test_docstrings_carry_latex() -> None:
    for fn in (losses.discriminator_loss, losses.generator_loss_saturating, losses.generator_loss_non_saturating):
        assert "$$" in fn.__doc__ and "\\log" in fn.__doc__
