"""The lesson notebooks: solutions/ (nbgrader source) is clean and well formed, lessons/ (the release)
is exactly what nbgrader generates from it, and a learner without nbgrader sees the hints."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from mistakes import source

from gan_lab import grading
from gan_lab.checks import LESSONS, check_name

ROOT = Path(__file__).resolve().parents[1]
BANNED = re.compile(r"\b(netG|netD|errD|errG|D_G_z\d?|real_cpu|fixed_noise_batch)\b")


def notebook(kind: str, lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / kind / lesson / f"{lesson}.ipynb", as_version=4)


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_at_least_seven_lessons_and_twenty_exercises() -> None:
    assert len(LESSONS) >= 7
    assert sum(len(e) for e in LESSONS.values()) >= 20
    assert grading.lessons_in(ROOT) == sorted(LESSONS)


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_solution_notebook_is_clean(lesson: str) -> None:
    """Committed without outputs, execution counts or kernel noise (written with nbformat)."""
    path = ROOT / "solutions" / lesson / f"{lesson}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
        assert not set(cell.metadata) - {"nbgrader", "tags"}, cell.metadata
    assert not grading.strip_notebook(path), "stripping changed the notebook"


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_solution_notebook_structure(lesson: str) -> None:
    """One solution cell and one grade cell per exercise, in order, with the points of LESSONS; grade cells
    reload the checks and have hidden tests; the setup cell imports gan_lab."""
    nb = notebook("solutions", lesson)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    setup = [c for c in cells if nbgrader_meta(c).get("grade_id") == "setup"]
    assert len(setup) == 1 and "from gan_lab import checks" in setup[0].source
    grades = [c for c in cells if nbgrader_meta(c).get("grade")]
    assert [nbgrader_meta(c)["grade_id"] for c in grades] == [f"test_{e}" for e in LESSONS[lesson]]
    for cell, (exercise, points) in zip(grades, LESSONS[lesson].items()):
        assert nbgrader_meta(cell)["points"] == points
        assert "importlib.reload(gan_lab.checks)" in cell.source
        assert f"checks.{check_name(exercise)}({exercise})" in cell.source
        assert "### BEGIN HIDDEN TESTS" in cell.source and f"{exercise}, hidden=True)" in cell.source
    solutions = {nbgrader_meta(c)["grade_id"]: c for c in cells if nbgrader_meta(c).get("solution")}
    assert list(solutions) == list(LESSONS[lesson])
    for exercise, cell in solutions.items():
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        assert re.search(rf"^(def|class) {exercise}\b", cell.source, re.M), exercise


@pytest.mark.parametrize("kind", ["solutions", "lessons"])
def test_glossary_names(kind: str) -> None:
    """The course's names everywhere: generator, discriminator, z, x_real, x_fake, loss_d, opt_g, ..."""
    for lesson in LESSONS:
        for cell in notebook(kind, lesson).cells:
            assert not BANNED.search(cell.source), f"{lesson}: {BANNED.search(cell.source).group()}"


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_released_lesson_has_no_solutions(lesson: str) -> None:
    nb = notebook("lessons", lesson)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "hidden=True" not in text
    assert text.count("raise NotImplementedError()") >= len(LESSONS[lesson])  # classes have two regions
    assert all(
        c.get("outputs", []) == [] and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code"
    )


def test_lessons_are_up_to_date(tmp_path: Path) -> None:
    """lessons/ is exactly what `make lessons` generates from solutions/ (run it after editing a solution)."""
    root = tmp_path / "course"
    shutil.copytree(ROOT / "solutions", root / "solutions")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    grading.generate(root)
    assert sorted(p.name for p in (root / "lessons").iterdir()) == sorted(p.name for p in (ROOT / "lessons").iterdir())
    for lesson in LESSONS:
        fresh, committed = notebook_at(root, lesson), notebook("lessons", lesson)
        assert [(c.cell_type, c.source, c.metadata) for c in fresh.cells] == [
            (c.cell_type, c.source, c.metadata) for c in committed.cells
        ], f"lessons/{lesson} is out of date with solutions/{lesson}: run `make lessons`"


def notebook_at(root: Path, lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(root / "lessons" / lesson / f"{lesson}.ipynb", as_version=4)


def test_learner_without_nbgrader_sees_the_hint() -> None:
    """Run the released theory lesson's cells in order, as a learner would, with a mistake in one exercise
    and the others solved: the visible grade cell fails with the mistake's hint."""
    released, solved = notebook("lessons", "06_theory"), notebook("solutions", "06_theory")
    answers = {nbgrader_meta(c)["grade_id"]: c.source for c in solved.cells if nbgrader_meta(c).get("solution")}
    answers["jsd"] = source("l6_jsd_is_kl")
    namespace: dict = {}
    outcome = {}
    for cell in released.cells:
        if cell.cell_type != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id", "")
        code = answers.get(grade_id, cell.source)
        try:
            exec(compile(code, grade_id or "cell", "exec"), namespace)
            outcome[grade_id] = "ok"
        except AssertionError as err:
            outcome[grade_id] = str(err)
    assert outcome["test_optimal_discriminator"] == "ok" and outcome["test_value_at_optimum"] == "ok"
    assert "that is KL(p || q), not the Jensen-Shannon divergence" in outcome["test_jsd"]
    assert "Fix:" in outcome["test_jsd"]
