"""The "it learned" checks of the training lessons (``gan_lab.checks.learned``).

Fast: the score rejects an untrained generator and accepts one that makes real digits, refuses gan_lab's
own networks; the check of the pieces a run trained with fails every broken variant of the calibration
and every catalogued mistake of those pieces, with its hint, even when the generator makes perfect
digits, and passes the solutions' pieces; the loop check accepts the solutions' loops and names the
broken ones; the recorded calibration agrees with the checks in the code. Slow: the calibration itself,
every seed of the correct code passing and every broken variant failing.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch
from mistakes import catalog
from torch import nn

from gan_lab.checks import learned, learned_loop
from gan_lab.checks.learned_audit import PIECES
from gan_lab.data import load_dataset

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate_learned import (  # noqa: E402
    LESSONS,
    VARIANTS,
    audit_variant,
    classifier_fingerprint,
    solution_namespace,
)

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


@functools.cache
def bank(image_size: int) -> DigitBank:
    return DigitBank(image_size)


def loop_of(lesson: str, variant: str = "correct"):
    """The lesson's training loop in the solution notebook's namespace, one piece redefined by ``variant``."""
    return solution_namespace(lesson, variant)[LESSONS[lesson]["loop"]]


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_learned_rejects_untrained_and_accepts_digits(lesson: str) -> None:
    size = learned.BARS[lesson].image_size
    torch.manual_seed(0)
    with pytest.raises(AssertionError, match="has not learned digits yet"):
        learned.check_learned(Untrained(image_size=size), lesson, trained_with=loop_of(lesson))
    scores = learned.check_learned(bank(size), lesson, trained_with=loop_of(lesson))
    assert scores["classes_covered"] == 10 and scores["fid"] < 20 and scores["confidence"] > 0.9


# each broken variant of the calibration -> the piece the check names and a phrase of its hint
BROKEN = {
    "no_detach": ("d_step", "forgot to detach x_fake"),
    "saturating_loss": ("generator_loss_non_saturating", "this is the saturating loss"),
    "no_zero_grad": ("d_step", "opt_d.zero_grad() is missing"),
    "g_step_fills_d_grads": ("g_step", "changed the discriminator's .grad"),
    "g_step_fills_d_grads_no_d_zero_grad": ("d_step", "opt_d.zero_grad() is missing"),
    "swapped_labels": ("discriminator_loss", "swapped real/fake labels"),
    "g_loss_target_zero": ("generator_loss_non_saturating", "the fakes were given target 0"),
}


def test_every_broken_variant_has_its_hint() -> None:
    assert set(BROKEN) == set(VARIANTS)


@pytest.mark.parametrize("lesson", sorted(LESSONS))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_learned_fails_broken_pieces_even_with_perfect_digits(lesson: str, variant: str) -> None:
    """A generator that makes real digits still earns nothing when the run's pieces are broken: the
    saturating loss and a G step that fills D's gradients train generators whose images pass the bar."""
    piece, hint = BROKEN[variant]
    bar = learned.BARS[lesson]
    with pytest.raises(AssertionError) as err:
        learned.check_learned(bank(bar.image_size), lesson, trained_with=loop_of(lesson, variant))
    message = str(err.value)
    assert message.startswith(f"[{bar.loop}] your generator was trained with a `{piece}` that fails its check")
    assert hint in message and "Fix:" in message and "run the training again" in message


# catalogued mistakes of the pieces a lesson's run trains with, pasted into that lesson's notebook
PASTED = {
    name: lesson
    for name, module in catalog().items()
    for lesson in ("03_training_step", "04_conv_gan_64")
    if module.EXERCISE in PIECES[LESSONS[lesson]["loop"]] and name[:2] in ("l1", "l2", "l3", "l4")
}


def test_the_catalog_reaches_every_piece() -> None:
    pasted = {catalog()[name].EXERCISE for name in PASTED}
    assert pasted == set(PIECES["train_gan"]) | set(PIECES["train_conv64"]) and len(PASTED) >= 40


@pytest.mark.parametrize("name", sorted(PASTED))
def test_learned_fails_a_catalogued_mistake_of_a_piece(name: str) -> None:
    module, lesson = catalog()[name], PASTED[name]
    namespace = solution_namespace(lesson, "correct")
    namespace[module.EXERCISE] = getattr(module, module.EXERCISE)  # the learner's wrong piece, as it trained
    with pytest.raises(AssertionError) as err:
        learned.check_learned(bank(64), lesson, trained_with=namespace[LESSONS[lesson]["loop"]], score=False)
    assert f"`{module.EXERCISE}` that fails its check" in str(err.value)
    assert module.HINT.lower() in str(err.value).lower(), str(err.value)


def test_learned_without_a_score_checks_the_pieces_only(capsys: pytest.CaptureFixture) -> None:
    """Lesson 5 on a CPU: the short run's generator is not scored, but its pieces are."""
    assert (
        learned.check_learned(
            Untrained(image_size=64), "05_dcgan_gpu", trained_with=loop_of("05_dcgan_gpu"), score=False
        )
        is None
    )
    assert "not scored" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="changed the discriminator's .grad"):
        learned.check_learned(
            bank(64), "05_dcgan_gpu", trained_with=loop_of("05_dcgan_gpu", "g_step_fills_d_grads"), score=False
        )


@pytest.mark.parametrize("trained_with", [print, learned_loop.check_train_gan, "train_gan"])
def test_learned_needs_the_notebooks_loop(trained_with) -> None:
    with pytest.raises(AssertionError, match=r"\[train_gan\] expected your training loop train_gan"):
        learned.check_learned(bank(28), "03_training_step", trained_with=trained_with)


def test_learned_names_a_piece_the_notebook_lacks() -> None:
    namespace = solution_namespace("03_training_step", "correct")
    del namespace["g_step"]
    with pytest.raises(AssertionError, match="`g_step` is not defined in the notebook"):
        learned.check_learned(bank(28), "03_training_step", trained_with=namespace["train_gan"])


def grade_cell(lesson: str) -> str:
    """The source of the grade cell of the lesson's training exercise, as the learner's notebook has it (its hidden
    cases, the grader's run of the lesson, are graded in tests/test_grading_learned.py)."""
    nb = nbformat.read(ROOT / "lessons" / lesson / f"{lesson}.ipynb", as_version=4)
    grade_id = f"test_{LESSONS[lesson]['loop']}"
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.mark.parametrize("lesson", sorted(LESSONS))
@pytest.mark.parametrize("variant", ["correct", "g_step_fills_d_grads"])
def test_the_grade_cell_checks_the_pieces_and_the_generator(lesson: str, variant: str) -> None:
    """The grade cell as written, run after training (lesson 5: the CPU short run, which is not scored)."""
    namespace = solution_namespace(lesson, variant)
    namespace.update(generator=bank(learned.BARS[lesson].image_size), long_run=False)
    source = grade_cell(lesson)
    assert f"trained_with={LESSONS[lesson]['loop']}" in source
    if variant == "correct":
        exec(compile(source, f"<grade cell of {lesson}>", "exec"), namespace)
    else:
        with pytest.raises(AssertionError, match="trained with a `g_step` that fails its check"):
            exec(compile(source, f"<grade cell of {lesson}>", "exec"), namespace)


def test_learned_keeps_the_generator_mode_and_the_global_random_state() -> None:
    generator = DigitBank().train()
    state = torch.get_rng_state()
    learned.score_generator(generator)
    assert generator.training and torch.equal(state, torch.get_rng_state())


def test_learned_refuses_the_reference_networks() -> None:
    from gan_lab.models import MLPGenerator

    with pytest.raises(AssertionError, match="write your own"):
        learned.check_learned(MLPGenerator(), "03_training_step", trained_with=loop_of("03_training_step"))
    namespace = solution_namespace("03_training_step", "correct")
    namespace["g_step"] = __import__("gan_lab.train", fromlist=["g_step"]).g_step  # not pasted: the reference
    with pytest.raises(AssertionError, match="trained with a `g_step` that fails its check.*write your own"):
        learned.check_learned(bank(28), "03_training_step", trained_with=namespace["train_gan"])


def test_learned_reaches_the_package_through_the_checks() -> None:
    from gan_lab import checks

    assert checks.check_learned is learned.check_learned or checks.check_learned.__name__ == "check_learned"
    assert checks.EXERCISES["train_gan"].__name__ == "check_train_gan"


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_loop_check_accepts_the_solution(lesson: str) -> None:
    namespace = solution_namespace(lesson, "correct")
    check = learned_loop.CHECKS[LESSONS[lesson]["loop"]]
    check(namespace[LESSONS[lesson]["loop"]])
    learned_loop.check_loop(namespace[LESSONS[lesson]["loop"]], LESSONS[lesson]["loop"], hidden=True)  # no run:
    # the hidden cases' training run is graded in the sandbox (tests/test_grading_learned.py)


def test_loop_check_names_a_missing_detach() -> None:
    namespace = solution_namespace("03_training_step", "no_detach")
    with pytest.raises(AssertionError, match="detach"):
        learned_loop.check_train_gan(namespace["train_gan"])


def test_loop_check_refuses_reference_pieces() -> None:
    from gan_lab.losses import discriminator_loss

    namespace = solution_namespace("03_training_step", "correct")
    namespace["discriminator_loss"] = discriminator_loss  # the learner did not paste their own loss
    with pytest.raises(AssertionError, match="write your own: `discriminator_loss` in this notebook is gan_lab.losses"):
        learned_loop.check_train_gan(namespace["train_gan"])


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
        learned_loop.check_train_gan(_loop(body))


def _calibration(lesson: str) -> dict:
    path = CALIBRATION / f"{lesson}.json"
    assert path.is_file(), f"no calibration recorded for {lesson}: run scripts/calibrate_learned.py"
    return json.loads(path.read_text())


CALIBRATED = sorted(lesson for lesson in LESSONS if learned.BARS[lesson].calibrated)  # lesson 5's needs a GPU


@pytest.mark.parametrize("lesson", CALIBRATED)
def test_recorded_calibration_agrees_with_the_checks(lesson: str) -> None:
    """The checks in the code pass every recorded seed of the correct code and fail every broken run."""
    data = _calibration(lesson)
    bar = learned.BARS[lesson]
    current = classifier_fingerprint()  # scores made with other classifier weights do not compare with the bar
    runs = [
        r
        for r in data["runs"]
        if r["steps"] == LESSONS[lesson]["steps"] and ("error" in r or r.get("classifier") == current)
    ]
    correct = [r for r in runs if r["variant"] == "correct"]
    assert len({r["seed"] for r in correct}) >= MIN_SEEDS
    audits = {v: audit_variant(lesson, v) == "passed" for v in {r["variant"] for r in runs}}
    for r in runs:
        assert (r["audit"] == "passed") == audits[r["variant"]], r  # the file was summarized with these checks
        if r["variant"] == "correct":
            assert "error" not in r and learned.passes(r, bar) and r["passes"], r
        else:
            assert not audits[r["variant"]] and not r["passes"], r  # the pieces' check fails every broken run
            if r["variant"] not in BLIND_SPOTS:
                assert "error" in r or not learned.passes(r, bar), r  # and the image bar those it can see
    assert RECORDED_BROKEN[lesson] <= {r["variant"] for r in runs}


# the broken variants whose training runs must be in the calibration file: lesson 4's cost about 2 minutes
# of CPU each and were not run; its broken pieces fail the pieces' check whatever the images
# (test_learned_fails_broken_pieces_even_with_perfect_digits)
RECORDED_BROKEN = {"03_training_step": set(BROKEN), "04_conv_gan_64": set()}


# Mistakes no score of the trained generator can see, measured (book/results/lesson_calibration): a G step
# that leaves D unfrozen fills D's .grad, but the next D step's zero_grad clears it (training identical to the
# bit) or, with zero_grad after the D step, adds the G loss's gradient to D's update, which still learns; and
# the saturating loss learns within the correct code's range, because Adam rescales its small gradients.
# check_learned fails them by checking the pieces the run trained with (learned_audit).
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
            assert learned.passes(r, bar) and r["passes"], r
        else:
            assert not r["passes"], r
            if r["variant"] not in BLIND_SPOTS:
                assert "error" in r or not learned.passes(r, bar), r


@pytest.mark.parametrize("lesson", sorted(learned_loop.RUNS))
def test_the_graders_run_is_the_calibrated_one(lesson: str) -> None:
    """The run the grader's check makes has the settings of the calibrated runs, and its seed was calibrated."""
    run, data = learned_loop.RUNS[lesson], _calibration(lesson)
    recorded = data["run"]
    assert (run.loop, tuple(recorded["networks"]), run.image_size, run.steps, run.batch_size) == (
        recorded["loop"],
        run.networks,
        recorded["image_size"],
        recorded["steps"],
        recorded["batch_size"],
    )
    assert recorded["max_samples"] == 0 and learned.BARS[lesson].loop == run.loop
    seeds = {r["seed"] for r in data["runs"] if r["variant"] == "correct" and r["steps"] == run.steps}
    assert run.seed in seeds
