"""Lesson 8 (WGAN-GP in the 2-D lab): the checks' own references agree with gan_lab's, the modes-covered check
tells a generator that covers the ring from one that collapsed, and the calibration file supports the bar."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from torch import nn

from gan_lab import regularizers
from gan_lab.checks import learned2d
from gan_lab.checks.lesson8_gradient_penalty import QuadraticCritic, _expected_parameter_grads, _penalty_variants
from gan_lab.lab2d import ring, score_points

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "book" / "results" / "lesson_calibration" / "08_wgan_gp.json"


def test_the_checks_ring_and_rule_are_gan_lab_lab2d_s() -> None:
    """The checks restate the ring and the coverage rule (they may not import gan_lab.lab2d): same counts."""
    mixture = ring()
    assert torch.allclose(learned2d.ring_centres(), mixture.centres) and learned2d.STD == mixture.std
    g = torch.Generator().manual_seed(0)
    for points in (
        mixture.sample(2500, generator=g),  # all 8 modes
        mixture.centres[torch.randint(3, (2500,), generator=g)] + 0.05 * torch.randn(2500, 2, generator=g),
        torch.randn(2500, 2, generator=g),  # hardly any point near a mode
    ):
        ours, reference = learned2d.score_ring(points), score_points(points, mixture)
        assert ours["counts"] == reference.counts and ours["modes_covered"] == reference.modes_covered
        assert math.isclose(ours["hq_share"], reference.hq_share, rel_tol=1e-6)
    assert learned2d.score_ring(mixture.sample(2500, generator=g))["modes_covered"] == 8


@pytest.mark.parametrize("shape", [(7, 2), (4, 3, 5, 5)])
def test_closed_form_penalty_equals_gan_lab_regularizers(shape: tuple[int, ...]) -> None:
    """The check's closed-form penalty and its gradient w.r.t. the critic's weights equal gan_lab's autograd ones."""
    g = torch.Generator().manual_seed(1)
    x_real, x_fake = torch.randn(shape, generator=g, dtype=torch.float64), torch.randn(shape, generator=g).double()
    eps = torch.rand(shape[0], generator=g, dtype=torch.float64)
    critic = QuadraticCritic(shape[1:], seed=2)
    penalty = regularizers.gradient_penalty(critic, x_real, x_fake, eps)
    x_hat = regularizers.interpolate(x_real, x_fake, eps)
    expected, variants = _penalty_variants(critic.gradient(x_hat))
    assert math.isclose(penalty.item(), expected, rel_tol=1e-12)
    assert all(not math.isclose(value, expected, rel_tol=1e-6) for value in variants.values() if shape[1:] != (2,))
    grads = torch.autograd.grad(penalty, list(critic.parameters()))
    for got, want in zip(grads, _expected_parameter_grads(critic, x_hat)):
        assert torch.allclose(got, want, rtol=1e-10, atol=1e-12)


class RingGenerator(nn.Module):
    """A perfect generator of the ring (the nearest of 8 directions of z, radius 2, small noise), or a collapsed one."""

    def __init__(self, collapsed: bool = False) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(1.0))
        self.collapsed = collapsed

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        k = torch.round(torch.atan2(z[:, 1], z[:, 0]) / (2 * math.pi / 8)) % 8
        k = torch.zeros_like(k) if self.collapsed else k
        centres = learned2d.ring_centres()[k.long()]
        return self.scale * centres + 0.005 * z


def test_modes_covered_check_passes_the_ring_and_names_a_collapse(capsys) -> None:
    scores = learned2d.check_modes_covered(RingGenerator())
    assert scores["modes_covered"] == 8 and "learned the ring" in capsys.readouterr().out
    with pytest.raises(AssertionError, match=r"1/8 modes covered"):
        learned2d.check_modes_covered(RingGenerator(collapsed=True))
    with pytest.raises(AssertionError, match="expected your trained generator"):
        learned2d.check_modes_covered("not a network")


def test_calibration_supports_the_bar() -> None:
    """Every calibrated seed of the solution reaches the bar (at least 10 seeds); every broken variant misses it.
    The 'other' variants (the penalty on real points, cross-entropy losses) train a GAN that covers the ring: the
    bar cannot catch them, the exercises' checks must (their mistakes are in tests/mistakes)."""
    data = json.loads(CALIBRATION.read_text())
    assert data["bar"]["min_modes"] == learned2d.RUN.min_modes and data["bar"]["run"] == learned2d.RUN.__dict__
    correct = [r for r in data["runs"] if r["kind"] == "correct"]
    assert len({r["seed"] for r in correct}) >= 10
    assert all(r["modes_covered"] >= learned2d.RUN.min_modes and r["steps"] == learned2d.RUN.steps for r in correct)
    broken = [r for r in data["runs"] if r["kind"] == "broken"]
    assert len({r["variant"] for r in broken}) >= 4
    assert all(not r["passes"] and r["modes_covered"] < learned2d.RUN.min_modes for r in broken)
    assert all(r["passes"] == (r["modes_covered"] >= learned2d.RUN.min_modes) for r in data["runs"])


@pytest.mark.slow
def test_calibration_reproduces_seed_0() -> None:
    """The recorded run of the solution with seed 0 is reproduced exactly (counts per mode)."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from calibrate_lesson8 import run_one

    recorded = next(
        r for r in json.loads(CALIBRATION.read_text())["runs"] if (r["variant"], r["seed"]) == ("correct", 0)
    )
    assert run_one("correct", 0)["counts"] == recorded["counts"]


def test_gan_lab_pieces_earn_no_credit() -> None:
    """gan_lab's penalty and Wasserstein losses, imported or wrapped, earn nothing; nor does a loop that calls them."""
    from gan_lab import losses
    from gan_lab.checks import EXERCISES

    cases = [
        ("gradient_penalty", regularizers.gradient_penalty),
        ("gradient_penalty", lambda critic, x_real, x_fake: regularizers.gradient_penalty(critic, x_real, x_fake)),
        ("critic_loss", losses.wasserstein_critic_loss),
        ("generator_loss", lambda scores_fake: losses.family_generator_loss("wgan-gp", scores_fake)),
    ]
    for exercise, candidate in cases:
        with pytest.raises(AssertionError, match="write your own"):
            EXERCISES[exercise](candidate)
    namespace = {
        "gradient_penalty": regularizers.gradient_penalty,
        "critic_loss": losses.wasserstein_critic_loss,
        "generator_loss": losses.wasserstein_generator_loss,
    }
    exec("def train_wgan_gp(generator, critic, x_train, steps, **kwargs):\n    return []\n", namespace)
    with pytest.raises(AssertionError, match="write your own: `gradient_penalty`"):
        EXERCISES["train_wgan_gp"](namespace["train_wgan_gp"])
