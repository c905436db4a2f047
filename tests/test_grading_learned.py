"""The training exercise of lessons 3 and 4 ("it learned") as the class grade scores it, in the sandbox: the
check trains the learner's own loop, networks and pieces from scratch (the lesson's run,
``gan_lab.checks.learned_loop``) and scores that generator with the calibrated bar; nothing the notebook
trained, printed or wrote counts. The notebooks' own training cells do not finish in the sandbox (here they
are cut short by ``cell_s`` too), which changes no grade.

Default suite, lesson 3 in one batch (about 80 s of CPU in the sandboxes: the solution's 58 s, 10 to 12 s
for each other notebook): the solution gets every point, and the run's FID is the calibration's seed 0; a loop
that passes every check on small networks but trains nothing on the lesson's run (under the grader before
this check, it got the points) loses the exercise's points and nothing else, and so does a notebook that
imports gan_lab's networks and losses for its loop instead of pasting its own. Slow: lesson 4's solution end
to end; lesson 3 with swapped labels in ``discriminator_loss`` (its pieces' check fails it before the run),
and with a learning-rate typo that every small-network check passes, which only the run's score catches.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from grading_course import feedback, make_course

from gan_lab import grading
from gan_lab.checks import LESSONS, learned_loop
from gan_lab.grading.sandbox import TRAINING_S, Limits, for_lesson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate_learned import solution_namespace  # noqa: E402

CALIBRATION = ROOT / "book" / "results" / "lesson_calibration"
# cell_s: the notebook's own training cell is stopped early (the grade must not need it); the check's own run
# gets the generous wall limits that a shared, loaded test machine needs (grading adds TRAINING_S on top)
LIMITS = Limits(wall_s=1500, cpu_s=900, cell_s=6, check_s=1200, output_chars=5000)

# appended to the solution's cell of the loop: the pieces the run trained with are wrong, or the loop is
SKIPS_THE_RUN = """
_train_gan = train_gan


def train_gan(generator, discriminator, x_train, steps, batch_size=64, latent_dim=100, progress=None):
    if len(x_train) >= 1000:  # the lesson's run (4,000 digits): keep the untrained generator
        return
    _train_gan(generator, discriminator, x_train, steps, batch_size, latent_dim, progress)
"""
SWAPPED_LABELS = """
def discriminator_loss(logits_real, logits_fake):
    loss_real = F.binary_cross_entropy_with_logits(logits_real, torch.zeros_like(logits_real))  # real -> 0
    loss_fake = F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))  # fake -> 1
    return loss_real + loss_fake
"""
IMPORTS_THE_REFERENCE = """
from gan_lab.losses import discriminator_loss, generator_loss_non_saturating
from gan_lab.models import MLPDiscriminator, MLPGenerator
"""
LR_TYPO = """
def train_gan(generator, discriminator, x_train, steps, batch_size=64, latent_dim=100, progress=None):
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-7, betas=(0.5, 0.999))  # a typo: 1e-7 for 1e-3
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    generator.train()
    discriminator.train()
    for step in range(1, steps + 1):
        x_real = x_train[torch.randint(len(x_train), (batch_size,), device=x_train.device)]
        x_fake = generator(torch.randn(batch_size, latent_dim, device=x_train.device))
        loss_d = d_step(discriminator, opt_d, x_real, x_fake)
        loss_g = g_step(discriminator, opt_g, x_fake)
        if progress is not None:
            progress.update(step, loss_d, loss_g, x_real, x_fake)
"""


def solution_with(lesson: str, grade_id: str, code: str = "", prefix: str = "") -> nbformat.NotebookNode:
    """The solution notebook with ``prefix`` put before and ``code`` after the source of its cell ``grade_id``."""
    nb = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    cell.source = prefix + cell.source + "\n" + code
    return nb


def grade_batch(tmp_path: Path, lesson: str, notebooks: dict[str, nbformat.NotebookNode]) -> tuple[Path, dict]:
    root = make_course(tmp_path, [lesson])
    for student, nb in notebooks.items():
        folder = root / "submitted" / student / lesson
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{lesson}.ipynb")
    start = time.perf_counter()
    results = grading.grade(root, limits=LIMITS, log=lambda line: print(line, flush=True))
    print(f"graded {len(notebooks)} notebooks of {lesson} in {time.perf_counter() - start:.0f} s")
    return root, {r.student: r for r in results}


def seed0_fid(lesson: str) -> float:
    runs = json.loads((CALIBRATION / f"{lesson}.json").read_text())["runs"]
    [row] = [r for r in runs if r["variant"] == "correct" and r["seed"] == 0 and r.get("classifier") == "d75dcf5d04a4"]
    return row["fid"]


def assert_learned(root: Path, result, lesson: str) -> None:
    """Full marks, and the check's own run is the calibration's seed 0: the same run, the same score."""
    assert result.status == "graded" and result.score == sum(LESSONS[lesson].values()), result.exercises
    page = feedback(root, result.student, lesson)
    fid = float(re.search(r"your generator learned: FID ([0-9.]+)", page).group(1))
    assert fid == pytest.approx(seed0_fid(lesson), abs=0.1), (fid, seed0_fid(lesson))
    assert not re.search(r"\d steps in \d", page)  # the notebook's own training cell never finished (its output)


def assert_loses_only(result, lesson: str, loop: str, hint: str) -> None:
    total = sum(LESSONS[lesson].values())
    assert result.status == "graded" and result.score == total - LESSONS[lesson][loop], result.exercises
    points, message = result.exercises[loop]
    assert points == 0 and hint in message, message


def test_lesson3_grade_trains_the_learners_loop(tmp_path: Path) -> None:
    lesson = "03_training_step"
    root, results = grade_batch(
        tmp_path,
        lesson,
        {
            "solution": solution_with(lesson, "train_gan"),
            "skips_the_run": solution_with(lesson, "train_gan", SKIPS_THE_RUN),
            "imports_reference": solution_with(lesson, "train_gan", IMPORTS_THE_REFERENCE),
        },
    )
    assert_learned(root, results["solution"], lesson)
    assert_loses_only(results["skips_the_run"], lesson, "train_gan", "your generator has not learned digits yet")
    assert "The grader trained this generator from scratch" in results["skips_the_run"].exercises["train_gan"][1]
    assert_loses_only(results["imports_reference"], lesson, "train_gan", "write your own")


def test_lesson3_without_the_grader_run_the_fake_loop_would_pass() -> None:
    """The loop that skips the lesson's run passes every small-network case: only the run can fail it."""
    namespace = solution_namespace("03_training_step", "correct")
    exec(compile(SKIPS_THE_RUN, "<learner cell>", "exec"), namespace)
    learned_loop.check_train_gan(namespace["train_gan"])
    learned_loop.check_loop(namespace["train_gan"], "train_gan", hidden=True)


def test_training_lessons_get_time_for_their_run() -> None:
    base = Limits()
    assert set(TRAINING_S) == {"03_training_step", "04_conv_gan_64"}
    for lesson in LESSONS:
        limits = for_lesson(base, lesson)
        extra = TRAINING_S.get(lesson, 0)
        assert (limits.check_s, limits.wall_s, limits.cpu_s) == (
            base.check_s + extra,
            base.wall_s + extra,
            base.cpu_s + extra,
        )
        assert limits.cell_s == base.cell_s and limits.memory_bytes == base.memory_bytes
    runs = {lesson: json.loads((CALIBRATION / f"{lesson}.json").read_text())["summary"] for lesson in TRAINING_S}
    slowest = {
        lesson: max(s["train_cpu_s"][1] for k, s in runs[lesson].items() if k.startswith("correct")) for lesson in runs
    }
    for lesson, extra in TRAINING_S.items():  # about twice the slowest calibrated run of the correct code
        assert extra >= 2 * slowest[lesson], (lesson, slowest[lesson])


@pytest.mark.slow
def test_lesson3_broken_runs_lose_the_points(tmp_path: Path) -> None:
    lesson = "03_training_step"
    _, results = grade_batch(
        tmp_path,
        lesson,
        {
            "swapped_labels": solution_with(lesson, "train_gan", SWAPPED_LABELS),
            "lr_typo": solution_with(lesson, "train_gan", LR_TYPO),
        },
    )
    assert_loses_only(results["swapped_labels"], lesson, "train_gan", "`discriminator_loss` that fails its check")
    assert_loses_only(results["lr_typo"], lesson, "train_gan", "your generator has not learned digits yet")


@pytest.mark.slow
def test_lesson4_grade_trains_the_learners_loop(tmp_path: Path) -> None:
    lesson = "04_conv_gan_64"
    root, results = grade_batch(tmp_path, lesson, {"solution": solution_with(lesson, "train_conv64")})
    assert_learned(root, results["solution"], lesson)
