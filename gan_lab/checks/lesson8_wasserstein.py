r"""Checks of lesson 8, WGAN-GP: the critic's and the generator's Wasserstein losses.

References:
- Arjovsky et al. 2017, "Wasserstein GAN", equation 3: the critic maximises $E[f(x)] - E[f(\tilde x)]$, an
  estimate of the Wasserstein-1 distance when $f$ is 1-Lipschitz; the generator minimises $-E[f(\tilde x)]$.

References are computed here in closed form with numpy; each wrong value is matched against the value that
each known mistake gives on the same scores (the cross-entropy losses of lesson 2 among them), so the hint
names the mistake.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from gan_lab.checks._torch_guard import call_with, expect, fail, softplus, to_numpy, verify_untouched


def _scores(hidden: bool) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(19 if hidden else 2)
    fixed = (torch.tensor([[2.0], [0.5], [-1.0], [3.0]]), torch.tensor([[-3.0], [0.0], [1.5], [-0.5]]))
    sizes = (7, 64) if hidden else (3, 16)
    return [fixed] + [(3 * torch.randn(n, 1, generator=g) + 1, 3 * torch.randn(n, 1, generator=g) - 2) for n in sizes]


def _loss_value(ex: str, fn, *scores: torch.Tensor) -> float:
    args = [s.clone().requires_grad_(True) for s in scores]
    out = call_with([], ex, fn, *args)
    if isinstance(out, (float, int)):
        raise fail(ex, "returned a Python number: .item() or float() cuts the graph", "return the loss tensor itself")
    expect(isinstance(out, torch.Tensor), ex, f"returned {type(out).__name__}", "return a scalar tensor")
    expect(
        out.dim() == 0,
        ex,
        f"returned shape {tuple(out.shape)}, not a scalar: the scores were not averaged",
        "average over the batch with .mean()",
    )
    expect(
        out.requires_grad, ex, "the loss has no graph back to the scores (detached)", "compute it with torch operations"
    )
    return float(to_numpy(out))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _diagnose(ex: str, got: float, expected: float, variants: dict[str, float], fix: str) -> None:
    if math.isclose(got, expected, rel_tol=1e-5, abs_tol=1e-6):
        return
    for hint, value in variants.items():
        if math.isclose(got, value, rel_tol=1e-5, abs_tol=1e-6):
            mistake, hint_fix = hint.split(" | ")
            raise fail(ex, mistake, hint_fix)
    raise fail(ex, f"got {got:.5f}, expected {expected:.5f}", fix)


def check_critic_loss(critic_loss, hidden: bool = False) -> None:
    """critic_loss(scores_real, scores_fake) = mean(scores_fake) - mean(scores_real), the critic's -W estimate."""
    verify_untouched()
    ex = "critic_loss"
    for real, fake in _scores(hidden):
        got = _loss_value(ex, critic_loss, real, fake)
        r, f = to_numpy(real), to_numpy(fake)
        expected = f.mean() - r.mean()
        variants = {
            "the sign is wrong: mean(scores_real) - mean(scores_fake) makes the critic score fakes higher than real "
            "points | the critic minimises mean(scores_fake) - mean(scores_real)": r.mean() - f.mean(),
            "this is the cross-entropy loss of lesson 2: a Wasserstein critic's scores are not logits | return "
            "scores_fake.mean() - scores_real.mean()": softplus(-r).mean() + softplus(f).mean(),
            "a sigmoid was applied to the scores: a critic's score is unbounded | use the raw scores": _sigmoid(
                f
            ).mean()
            - _sigmoid(r).mean(),
            "summed over the batch instead of averaged | use .mean()": f.sum() - r.sum(),
            "the real term was added instead of subtracted | return scores_fake.mean() - scores_real.mean()": f.mean()
            + r.mean(),
            "only the real term: the fake scores are missing | add scores_fake.mean()": -r.mean(),
            "only the fake term: the real scores are missing | subtract scores_real.mean()": f.mean(),
        }
        _diagnose(ex, got, expected, variants, "critic_loss = scores_fake.mean() - scores_real.mean()")


def check_generator_loss(generator_loss, hidden: bool = False) -> None:
    """generator_loss(scores_fake) = -mean(scores_fake): the generator raises the critic's score of its samples."""
    verify_untouched()
    ex = "generator_loss"
    for _, fake in _scores(hidden):
        got = _loss_value(ex, generator_loss, fake)
        f = to_numpy(fake)
        expected = -f.mean()
        variants = {
            "the sign is wrong: +mean(scores_fake) trains the generator to LOWER the critic's score of its samples | "
            "return -scores_fake.mean()": f.mean(),
            "this is the non-saturating cross-entropy loss of lesson 2: a Wasserstein critic's scores are not logits "
            "| return -scores_fake.mean()": softplus(-f).mean(),
            "a sigmoid was applied to the scores: a critic's score is unbounded | use the raw scores": -_sigmoid(
                f
            ).mean(),
            "summed over the batch instead of averaged | use -scores_fake.mean()": -f.sum(),
        }
        _diagnose(ex, got, expected, variants, "generator_loss = -scores_fake.mean()")


CHECKS = {"critic_loss": check_critic_loss, "generator_loss": check_generator_loss}
