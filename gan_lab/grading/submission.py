"""What a lesson expects (from the instructor's source notebook) and what a submission offers (its JSON).

Nothing of the submission is trusted but the source of its code cells: the grade cells, their points and
the locked cells come from ``solutions/<lesson>/<lesson>.ipynb``; outputs, metadata and kernel name of
the submission are ignored. A submission that cannot be read as a notebook of this lesson raises
``BadSubmission`` with the reason shown in grades.csv and the feedback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat


class BadSubmission(ValueError):
    """The submission cannot be graded at all (its score is 0, its status 'error: <reason>')."""


@dataclass(frozen=True)
class Exercise:
    name: str  # the grade cell's exercise: the function or class the learner defines
    grade_id: str  # the grade cell's id
    points: int


@dataclass(frozen=True)
class Lesson:
    """The instructor's view of one lesson: its cells in order, which are locked, which are graded."""

    name: str
    cells: list[nbformat.NotebookNode]
    exercises: list[Exercise]
    locked: dict[str, nbformat.NotebookNode]  # grade_id -> locked cell (grade cells included)
    solution_ids: set[str]  # grade_ids of the cells learners write

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercises)


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def load_lesson(root: Path, name: str, points: dict[str, int]) -> Lesson:
    """The lesson's source notebook; ``points`` (from ``gan_lab.checks.LESSONS``) names its exercises."""
    nb = nbformat.read(root / "solutions" / name / f"{name}.ipynb", as_version=4)
    exercises, locked, solution_ids = [], {}, set()
    for cell in nb.cells:
        meta = _nbgrader(cell)
        grade_id = meta.get("grade_id")
        if meta.get("solution"):
            solution_ids.add(grade_id)
        if meta.get("locked") or meta.get("grade"):
            locked[grade_id] = cell
        if meta.get("grade") and cell.cell_type == "code":
            exercise = grade_id.removeprefix("test_")
            if exercise not in points:
                raise ValueError(f"{name}: grade cell {grade_id!r} has no check (expected test_<exercise>)")
            if int(meta.get("points", 0)) != points[exercise]:
                raise ValueError(
                    f"{name}: grade cell {grade_id!r} gives {meta.get('points')} points, checks say {points[exercise]}"
                )
            exercises.append(Exercise(exercise, grade_id, points[exercise]))
    return Lesson(name, nb.cells, exercises, locked, solution_ids)


def read_submission(path: Path, lesson: Lesson, max_bytes: int = 20 << 20) -> list[nbformat.NotebookNode]:
    """The submitted notebook's cells, checked to be a notebook of ``lesson``."""
    if path.is_symlink() or path.parent.is_symlink():  # it could point at another student's work
        raise BadSubmission(f"{path.name} is a symbolic link: hand in the notebook file itself")
    if not path.is_file():
        raise BadSubmission(f"no {path.name} in the submission folder")
    size = path.stat().st_size
    if size == 0:
        raise BadSubmission(f"{path.name} is empty")
    if size > max_bytes:
        raise BadSubmission(f"{path.name} is {size >> 20} MB (limit {max_bytes >> 20} MB)")
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except (ValueError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
        raise BadSubmission(f"{path.name} is not a readable notebook ({type(err).__name__})") from None
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise BadSubmission(f"{path.name} has no list of cells")
    ids = {_nbgrader(c).get("grade_id") for c in cells if isinstance(c, dict)}
    if not ids & (lesson.solution_ids | {e.grade_id for e in lesson.exercises}):  # 'setup', 'md_1': every lesson
        raise BadSubmission(f"{path.name} is not lesson {lesson.name} (none of its cells are this lesson's)")
    return [c for c in cells if isinstance(c, dict) and c.get("cell_type") in ("code", "markdown", "raw")]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def plan(lesson: Lesson, submitted: list[nbformat.NotebookNode]) -> list[dict]:
    """The cells to show and run, in the submission's order, with the instructor's locked cells restored.

    Each item: ``{"index", "cell_type", "source", "exercise"}``; ``exercise`` is set on grade cells,
    whose source is the instructor's and which the verifier replaces by its own call of the check. A
    grade cell the learner deleted is put back at the end, so deleting it changes nothing.
    """
    grade_of = {e.grade_id: e.name for e in lesson.exercises}
    items, seen = [], set()
    for cell in submitted:
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id in lesson.locked and grade_id not in seen:  # instructor's copy, once
            seen.add(grade_id)
            cell = lesson.locked[grade_id]
        items.append(
            {
                "cell_type": cell.get("cell_type"),
                "source": _source(cell),
                "exercise": grade_of.get(grade_id) if cell is lesson.locked.get(grade_id) else None,
            }
        )
    missing_locked = [c for gid, c in lesson.locked.items() if gid not in seen and gid not in grade_of]
    for cell in missing_locked:  # a deleted setup cell goes back in front: learner code relies on it
        items.insert(0, {"cell_type": cell.cell_type, "source": _source(cell), "exercise": None})
    for exercise in lesson.exercises:
        if exercise.grade_id not in seen:
            cell = lesson.locked[exercise.grade_id]
            items.append({"cell_type": "code", "source": _source(cell), "exercise": exercise.name})
    for index, item in enumerate(items):
        item["index"] = index
    return items


def job(lesson: Lesson, items: list[dict]) -> dict:
    """The verifier's input: the code cells to run and the grade cells at which to check."""
    cells = []
    for item in items:
        if item["cell_type"] != "code":
            continue
        if item["exercise"]:
            cells.append({"index": item["index"], "exercise": item["exercise"]})
        else:
            cells.append({"index": item["index"], "source": item["source"]})
    return {"lesson": lesson.name, "exercises": [e.name for e in lesson.exercises], "cells": cells}
