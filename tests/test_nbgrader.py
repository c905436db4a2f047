"""End to end: generate the lessons into a temporary course (nbgrader), submit the solution, the blank
release, mistakes from the catalog and cheating notebooks, grade them in the sandbox, and check the exact
scores (gradebook and grades.csv) and the feedback pages.

The default run covers one lesson (06_theory, the fastest: numpy only); ``-m slow`` covers every lesson.
"""

from __future__ import annotations

import csv
import html
import shutil
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from grading_course import LIMITS
from mistakes import MISTAKE_SUBMISSIONS, source

from gan_lab import grading
from gan_lab.checks import LESSONS
from gan_lab.grading.sandbox import Limits

ROOT = Path(__file__).resolve().parents[1]

# learner cells that try to pass without solving: reassign the check, monkeypatch what it compares with
CHEAT_THEORY = """
import math
from gan_lab import checks
from scipy.spatial import distance

def jsd(p, q):  # KL(p || q): wrong
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))

checks.check_jsd = lambda *args, **kwargs: None  # "my check passes"
distance.jensenshannon = lambda p, q: math.sqrt(jsd(p, q))  # the reference now agrees with me
"""
CHEAT_LOSSES = """
import gan_lab.checks
import torch.nn.functional as F

def discriminator_loss_smoothed(logits_real, logits_fake, real_label=0.9):  # two-sided: wrong
    return F.binary_cross_entropy_with_logits(logits_real, torch.full_like(logits_real, real_label)) + \\
        F.binary_cross_entropy_with_logits(logits_fake, torch.full_like(logits_fake, 1 - real_label))

gan_lab.checks.check_discriminator_loss_smoothed = lambda *args, **kwargs: None
gan_lab.checks.lesson2_losses.check_discriminator_loss_smoothed = lambda *args, **kwargs: None
F.binary_cross_entropy_with_logits = lambda *args, **kwargs: torch.tensor(0.0)
torch.allclose = lambda *args, **kwargs: True
"""


def with_cell(notebook: Path, grade_id: str, code: str) -> nbformat.NotebookNode:
    """The notebook with the source of the solution cell ``grade_id`` replaced by ``code``."""
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    assert len(cells) == 1, grade_id
    cells[0].source = code
    return nb


def make_course(tmp: Path, lessons: list[str]) -> Path:
    root = tmp / "course"
    (root / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, root / "solutions" / lesson)
    grading.generate(root, lessons)
    return root


def submit(root: Path, student: str, lesson: str, nb: nbformat.NotebookNode | Path) -> None:
    folder = root / "submitted" / student / lesson
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{lesson}.ipynb"
    if isinstance(nb, Path):
        shutil.copy(nb, target)
    else:
        nbformat.write(nb, target)


def scores(root: Path) -> dict[tuple[str, str], tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {
            (s.student.id, s.assignment.name): (s.score, s.max_score)
            for a in gradebook.assignments
            for s in a.submissions
        }


def feedback(root: Path, student: str, lesson: str) -> str:
    return html.unescape((root / "feedback" / student / lesson / f"{lesson}.html").read_text())


def run_round(
    tmp_path: Path, lessons: list[str], extra: dict[str, tuple[str, str, str, float]], limits: Limits = LIMITS
) -> Path:
    """Submit solution and blank for every lesson plus ``extra`` {student: (lesson, grade_id, code, points lost)},
    grade, and assert every score exactly."""
    root = make_course(tmp_path, lessons)
    for lesson in lessons:
        submit(root, "solution", lesson, ROOT / "solutions" / lesson / f"{lesson}.ipynb")
        submit(root, "blank", lesson, root / "lessons" / lesson / f"{lesson}.ipynb")
    for student, (lesson, grade_id, code, _) in extra.items():
        # the rest of that notebook is solved: start from the solution, replace one cell
        submit(root, student, lesson, with_cell(ROOT / "solutions" / lesson / f"{lesson}.ipynb", grade_id, code))
    start = time.perf_counter()
    results = grading.grade(root, limits=limits)
    print(f"graded {len(results)} notebooks in {time.perf_counter() - start:.1f} s")
    got = scores(root)
    for lesson in lessons:
        total = float(sum(LESSONS[lesson].values()))
        assert got[("solution", lesson)] == (total, total), lesson
        assert got[("blank", lesson)] == (0.0, total), lesson
    for student, (lesson, _, _, lost) in extra.items():
        total = float(sum(LESSONS[lesson].values()))
        assert got[(student, lesson)] == (total - lost, total), student
    with (root / "grades.csv").open() as f:  # one row per student and lesson ('' where nothing was submitted)
        rows = {(r["student_id"], r["lesson"]): r for r in csv.DictReader(f)}
    assert {k: (float(r["score"]), float(r["max_score"])) for k, r in rows.items() if r["status"] != "missing"} == got
    assert all(r["score"] == "" for k, r in rows.items() if k not in got)
    return root


def test_theory_lesson_round_trip(tmp_path: Path) -> None:
    """06_theory: solution full marks, blank zero, a mistake and a cheat each lose exactly what they should."""
    lesson = "06_theory"
    extra = {
        "kl_instead_of_jsd": (lesson, "jsd", source("l6_jsd_is_kl"), LESSONS[lesson]["jsd"]),
        "cheater": (lesson, "jsd", CHEAT_THEORY, LESSONS[lesson]["jsd"] + LESSONS[lesson]["value_at_optimum"]),
    }
    root = run_round(tmp_path, [lesson], extra)
    assert "that is KL(p || q), not the Jensen-Shannon divergence" in feedback(root, "kl_instead_of_jsd", lesson)
    cheat = feedback(root, "cheater", lesson)
    assert "your code replaced scipy.spatial.distance.jensenshannon" in cheat  # the patched scipy is refused
    assert "NotImplementedError" in feedback(root, "blank", lesson)
    assert "(1 points)" not in cheat and "Score: 2 / 6 points" in cheat


@pytest.mark.slow
def test_all_lessons_round_trip(tmp_path: Path) -> None:
    """Every lesson: solution full marks, blank zero; mistakes from several lessons and a torch cheat."""
    lessons = list(LESSONS)
    # a mistake that stops the lesson's GAN from training also loses the training exercise ("it learned")
    also_lost = {"l3_forgot_detach": ("train_gan",), "l4_wrong_flatten_size": ("train_conv64",)}
    extra = {
        f"mistake_{name}": (
            lesson,
            exercise,
            source(name),
            LESSONS[lesson][exercise] + sum(LESSONS[lesson][e] for e in also_lost.get(name, ())),
        )
        for name, (lesson, exercise) in MISTAKE_SUBMISSIONS.items()
    }
    # the cheat sits in the last exercise of lesson 2, so it can only lose that exercise's points
    extra["cheater"] = (
        "02_losses",
        "discriminator_loss_smoothed",
        CHEAT_LOSSES,
        LESSONS["02_losses"]["discriminator_loss_smoothed"],
    )
    # lesson 9 trains a conditional GAN twice in one notebook (its training cell, then the check's own run): about
    # a minute of one thread, beyond the short limits made for the hostile corpus's sleeps
    root = run_round(tmp_path, lessons, extra, replace(LIMITS, wall_s=300, cell_s=120, check_s=120))
    for name, (lesson, _) in MISTAKE_SUBMISSIONS.items():
        hint = __import__("mistakes").catalog()[name].HINT
        assert hint.lower() in feedback(root, f"mistake_{name}", lesson).lower(), name
    assert "your code replaced" in feedback(root, "cheater", "02_losses")
