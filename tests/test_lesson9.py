"""Lesson 9 (a conditional GAN): the agreement check tells a generator that draws the requested digit from one
that ignores its label, gan_lab's networks and a loop built on them earn nothing, the loop's contract accepts
both legal ways of drawing the fake labels, and the calibration file supports the bar. Slow: the calibration's
seed 0 reproduced, and a sandboxed grade of the solution (full marks) and of the blank release (zero)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import torch
from mistakes import solution_namespace
from torch import nn

from gan_lab.checks import EXERCISES, learned_cgan, lesson9_loop
from gan_lab.data import load_dataset
from gan_lab.models import conditional

ROOT = Path(__file__).resolve().parents[1]
LESSON = "09_conditional_gan"
CALIBRATION = ROOT / "book" / "results" / "lesson_calibration" / f"{LESSON}.json"


class DigitBank(nn.Module):
    """A 'conditional generator' that returns held-out digits of the requested class (or of any class)."""

    def __init__(self, follow_labels: bool = True) -> None:
        super().__init__()
        data = load_dataset("sample", split="heldout")
        order = data.labels.argsort(stable=True)
        self.register_buffer("bank", data.images[order].view(10, -1, 1, 28, 28))  # (10, 100, 1, 28, 28)
        self.follow_labels = follow_labels
        self.scale = nn.Parameter(torch.ones(()))  # the score reads the device from a parameter

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        pick = (z[:, 0].abs() * 1e4).long() % self.bank.shape[1]  # (N,): a digit per noise vector
        classes = labels if self.follow_labels else (z[:, 1].abs() * 1e4).long() % 10
        return self.bank[classes, pick] * self.scale


def test_agreement_passes_real_digits_of_the_class_and_fails_a_label_blind_generator(capsys) -> None:
    scores = learned_cgan.check_class_agreement(DigitBank())
    assert scores["min"] >= 0.8 and "draws the digits it is asked for" in capsys.readouterr().out
    blind = learned_cgan.score_agreement(DigitBank(follow_labels=False))
    assert blind["mean"] < 0.2  # about one in ten by chance
    with pytest.raises(AssertionError, match="does not draw the digits it is asked for"):
        learned_cgan.check_class_agreement(DigitBank(follow_labels=False))
    with pytest.raises(AssertionError, match="expected your trained generator"):
        learned_cgan.check_class_agreement("not a network")


def test_gan_lab_networks_and_a_loop_on_them_earn_no_credit() -> None:
    for exercise, reference in (
        ("ConditionalGenerator", conditional.ConditionalGenerator),
        ("ProjectionDiscriminator", conditional.ProjectionDiscriminator),
    ):
        with pytest.raises(AssertionError, match="write your own"):
            EXERCISES[exercise](reference)
    with pytest.raises(AssertionError, match="write your own"):
        learned_cgan.check_class_agreement(conditional.ConditionalGenerator())
    namespace = dict(solution_namespace(LESSON))
    namespace["ConditionalGenerator"] = conditional.ConditionalGenerator
    exec("def train_cgan(generator, discriminator, x_train, y_train, steps, **kwargs):\n    return []\n", namespace)
    with pytest.raises(AssertionError, match="write your own: `ConditionalGenerator`"):
        EXERCISES["train_cgan"](namespace["train_cgan"])


@pytest.mark.parametrize("hidden", [False, True])
def test_loop_contract_accepts_sampled_and_real_batch_fake_labels(hidden: bool) -> None:
    """Both are draws from p(y): the solution samples the fake labels, the alternative reuses the real ones."""
    from alternatives import catalog

    lesson9_loop._check_contract(solution_namespace(LESSON)["train_cgan"], hidden)
    lesson9_loop._check_contract(catalog()["l9_train_fake_labels_from_real"].train_cgan, hidden)


def test_calibration_supports_the_bar() -> None:
    """Every calibrated seed of the solution (at least 10) reaches the bar; the broken variants the lesson names
    (labels ignored by G, labels not given to D, fakes scored with wrong labels) miss it; the legal variant (fake
    labels drawn for the real batch's labels) reaches it."""
    data = json.loads(CALIBRATION.read_text())
    run = learned_cgan.RUN
    assert data["bar"] == {"min_mean": run.min_mean, "min_digit": run.min_digit, "run": run.__dict__}
    correct = [r for r in data["runs"] if r["kind"] == "correct"]
    assert len({r["seed"] for r in correct}) >= 10
    assert all(learned_cgan.passes(r) and r["steps"] == run.steps for r in correct)
    broken = {r["variant"]: r for r in data["runs"] if r["kind"] == "broken"}
    assert {"generator_ignores_labels", "discriminator_without_labels", "fakes_scored_with_real_labels"} <= set(broken)
    assert all(not learned_cgan.passes(r) and not r["passes"] for r in broken.values())
    assert all(r["passes"] == learned_cgan.passes(r) for r in data["runs"])
    legal = [r for r in data["runs"] if r["kind"] == "legal"]
    assert {r["variant"] for r in legal} == {"fake_labels_from_real_batch"} and all(r["passes"] for r in legal)


def test_a_mistake_the_bar_cannot_see_fails_the_loop_contract() -> None:
    """Fakes judged in the D step with labels drawn anew still teach G the classes (measured: the calibration's
    'other' kind); the loop's contract check names the mistake instead."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from calibrate_lesson9 import OTHERS, namespace_of

    data = json.loads(CALIBRATION.read_text())
    assert {r["variant"] for r in data["runs"] if r["kind"] == "other"} == OTHERS
    for variant in OTHERS:
        with pytest.raises(AssertionError, match="the D step scored the fakes with other labels"):
            lesson9_loop._check_contract(namespace_of(variant)["train_cgan"], hidden=False)


@pytest.mark.slow
def test_calibration_reproduces_seed_0() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from calibrate_lesson9 import run_one

    recorded = next(
        r for r in json.loads(CALIBRATION.read_text())["runs"] if (r["variant"], r["seed"]) == ("correct", 0)
    )
    assert run_one("correct", 0)["agreement"] == recorded["agreement"]


@pytest.mark.slow
def test_sandboxed_grade_full_marks_for_the_solution_zero_for_the_blank(tmp_path: Path) -> None:
    """The grader's own run: its fresh interpreter trains the solution's networks inside the check (default
    limits: the check's run and the notebook's training cell each take about a minute of one thread)."""
    from nbgrader.api import Gradebook

    from gan_lab import grading

    root = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / LESSON, root / "solutions" / LESSON)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    grading.generate(root, [LESSON])
    for student, notebook in (
        ("solution", ROOT / "solutions" / LESSON / f"{LESSON}.ipynb"),
        ("blank", root / "lessons" / LESSON / f"{LESSON}.ipynb"),
    ):
        (root / "submitted" / student / LESSON).mkdir(parents=True)
        shutil.copy(notebook, root / "submitted" / student / LESSON / f"{LESSON}.ipynb")
    grading.grade(root)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        got = {s.student.id: (s.score, s.max_score) for a in gradebook.assignments for s in a.submissions}
    assert got == {"solution": (10.0, 10.0), "blank": (0.0, 10.0)}
