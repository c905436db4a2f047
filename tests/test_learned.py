"""The "it learned" checks of the training lessons (``gan_lab.checks.learned``).

Fast: the score rejects an untrained generator and accepts one that makes real digits, refuses gan_lab's
own networks; the loop check accepts the solutions' loops and names the broken ones; the recorded
calibration agrees with the thresholds in the code. Slow: the calibration itself, every seed of the
correct code passing and every broken variant failing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from gan_lab.checks import learned
from gan_lab.data import load_dataset

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate_learned import LESSONS, VARIANTS, solution_namespace  # noqa: E402

CALIBRATION = ROOT / "book" / "results" / "lesson_calibration"
MIN_SEEDS = 10


class DigitBank(nn.Module):
    """A 'generator' that returns training digits chosen by z: what a perfectly learned generator makes."""

    def __init__(self, image_size: int = 28) -> None:
        super().__init__()
        self.register_buffer("bank", load_dataset("sample", image_size=image_size).images)  # (4000, 1, s, s)
        self.scale = nn.Parameter(torch.ones(()))  # score_generator reads the device from a parameter

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        index = (z[:, 0].abs() * 1e4).long() % len(self.bank)  # (N,): a deterministic digit per noise vector
        return self.bank[index] * self.scale


class Untrained(nn.Module):
    def __init__(self, latent_dim: int = 100, image_size: int = 28) -> None:
        super().__init__()
        self.size = image_size
        self.net = nn.Sequential(nn.Linear(latent_dim, image_size * image_size), nn.Tanh())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(-1, 1, self.size, self.size)


@pytest.mark.parametrize("lesson", ["03_training_step", "04_conv_gan_64"])
def test_learned_rejects_untrained_and_accepts_digits(lesson: str) -> None:
    size = learned.BARS[lesson].image_size
    torch.manual_seed(0)
    with pytest.raises(AssertionError, match="has not learned digits yet"):
        learned.check_learned(Untrained(image_size=size), lesson)
    scores = learned.check_learned(DigitBank(size), lesson)
    assert scores["classes_covered"] == 10 and scores["fid"] < 20 and scores["confidence"] > 0.9


def test_learned_keeps_the_generator_mode_and_the_global_random_state() -> None:
    generator = DigitBank().train()
    state = torch.get_rng_state()
    learned.score_generator(generator)
    assert generator.training and torch.equal(state, torch.get_rng_state())


def test_learned_refuses_the_reference_networks() -> None:
    from gan_lab.models import MLPGenerator

    with pytest.raises(AssertionError, match="write your own"):
        learned.check_learned(MLPGenerator(), "03_training_step")


def test_learned_reaches_the_package_through_the_checks() -> None:
    from gan_lab import checks

    assert checks.check_learned is learned.check_learned or checks.check_learned.__name__ == "check_learned"
    assert checks.EXERCISES["train_gan"].__name__ == "check_train_gan"


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_loop_check_accepts_the_solution(lesson: str) -> None:
    namespace = solution_namespace(lesson, "correct")
    check = learned.CHECKS[LESSONS[lesson]["loop"]]
    check(namespace[LESSONS[lesson]["loop"]])
    check(namespace[LESSONS[lesson]["loop"]], hidden=True)


def test_loop_check_names_a_missing_detach() -> None:
    namespace = solution_namespace("03_training_step", "no_detach")
    with pytest.raises(AssertionError, match="detach"):
        learned.check_train_gan(namespace["train_gan"])


def test_loop_check_refuses_reference_pieces() -> None:
    from gan_lab.losses import discriminator_loss

    namespace = solution_namespace("03_training_step", "correct")
    namespace["discriminator_loss"] = discriminator_loss  # the learner did not paste their own loss
    with pytest.raises(AssertionError, match="write your own: `discriminator_loss` in this notebook is gan_lab.losses"):
        learned.check_train_gan(namespace["train_gan"])


def _loop(body: str):
    """A training loop written around the solution's steps, with one line changed."""
    namespace = solution_namespace("03_training_step", "correct")
    exec(compile(body, "<loop>", "exec"), namespace)
    return namespace["train_gan"]


SAME_BATCH = """
def train_gan(generator, discriminator, x_train, steps, batch_size=64, latent_dim=100, progress=None):
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    x_real = x_train[:batch_size]
    for step in range(1, steps + 1):
        x_fake = generator(torch.randn(batch_size, latent_dim))
        loss_d = d_step(discriminator, opt_d, x_real, x_fake)
        loss_g = g_step(discriminator, opt_g, x_fake)
        if progress is not None:
            progress.update(step, loss_d, loss_g, x_real, x_fake)
"""


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        (SAME_BATCH, "same batch at every step"),
        (SAME_BATCH.replace("range(1, steps + 1)", "range(steps)"), "counting from 1"),
        (
            SAME_BATCH.replace("opt_g = torch.optim.Adam(generator", "opt_g = torch.optim.Adam(discriminator"),
            "generator's weights",
        ),
        (
            SAME_BATCH.replace("x_real = x_train[:batch_size]", "x_real = x_train[:batch_size].mul_(1.0)"),
            "same batch",
        ),
    ],
)
def test_loop_check_names_broken_loops(body: str, hint: str) -> None:
    with pytest.raises(AssertionError, match=hint):
        learned.check_train_gan(_loop(body))


def _calibration(lesson: str) -> dict:
    path = CALIBRATION / f"{lesson}.json"
    assert path.is_file(), f"no calibration recorded for {lesson}: run scripts/calibrate_learned.py"
    return json.loads(path.read_text())


CALIBRATED = sorted(lesson for lesson in LESSONS if learned.BARS[lesson].calibrated)  # lesson 5's needs a GPU


@pytest.mark.parametrize("lesson", CALIBRATED)
def test_recorded_calibration_agrees_with_the_bars(lesson: str) -> None:
    """The thresholds in the code pass every recorded seed of the correct code and fail every broken run."""
    data = _calibration(lesson)
    bar = learned.BARS[lesson]
    runs = [r for r in data["runs"] if r["steps"] == LESSONS[lesson]["steps"]]
    correct = [r for r in runs if r["variant"] == "correct"]
    assert len({r["seed"] for r in correct}) >= MIN_SEEDS
    for r in correct:
        assert "error" not in r and learned.passes(r, bar), r
    broken = {r["variant"] for r in runs if r["variant"] != "correct"}
    for r in runs:
        if r["variant"] != "correct" and r["variant"] in BLIND_SPOTS:
            continue
        if r["variant"] != "correct":
            assert "error" in r or not learned.passes(r, bar), r
    assert {"no_detach", "saturating_loss", "no_zero_grad", "swapped_labels"} <= broken


# Mistakes no score of the trained generator can see, measured (book/results/lesson_calibration): a G step
# that leaves D unfrozen fills D's .grad, but the next D step's zero_grad clears it (training identical to the
# bit) or, with zero_grad after the D step, adds the G loss's gradient to D's update, which still learns; and
# the saturating loss learns within the correct code's range, because Adam rescales its small gradients.
# check_g_step and check_generator_loss_non_saturating catch them on the learner's functions directly.
BLIND_SPOTS = {"g_step_fills_d_grads", "g_step_fills_d_grads_no_d_zero_grad", "saturating_loss"}


@pytest.mark.slow
@pytest.mark.parametrize("lesson", CALIBRATED)
def test_calibration_reproduces(lesson: str, tmp_path: Path) -> None:
    """The full calibration: every seed of the correct code passes, every broken variant fails."""
    out = tmp_path / f"{lesson}.json"
    for variants, seeds in (("correct", f"0-{MIN_SEEDS - 1}"), (",".join(VARIANTS), "0-2")):
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "calibrate_learned.py"), "--lesson", lesson,
             "--variants", variants, "--seeds", seeds, "--out", str(out)],
            check=True, cwd=ROOT, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    runs = json.loads(out.read_text())["runs"]
    bar = learned.BARS[lesson]
    for r in runs:
        if r["variant"] == "correct":
            assert learned.passes(r, bar), r
        elif r["variant"] not in BLIND_SPOTS:
            assert "error" in r or not learned.passes(r, bar), r
