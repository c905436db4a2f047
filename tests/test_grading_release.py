"""A learner's work is never overwritten: `make lessons` (generate) and `make grade` leave an edited lesson alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from grading_course import LIMITS, make_course

from gan_lab import grading
from gan_lab.grading import __main__ as cli
from gan_lab.grading.release import EditedWork

LESSON = "06_theory"
ANSWER = "def jsd(p, q):\n    return 0.0  # my own attempt, half done\n"


def learner_edits(path: Path) -> bytes:
    """What Jupyter saves after a learner typed in the jsd cell and ran it."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "jsd")
    cell.source = ANSWER
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    nbformat.write(nb, path)
    return path.read_bytes()


def test_generate_and_grade_keep_an_edited_lesson(tmp_path: Path, capsys) -> None:
    root = make_course(tmp_path, [LESSON])
    lesson = root / "lessons" / LESSON / f"{LESSON}.ipynb"
    assert grading.generate(root) == [lesson]
    assert grading.generate(root) == []  # nothing changed: nothing written
    edited = learner_edits(lesson)

    with pytest.raises(EditedWork, match="edited since generated"):
        grading.generate(root)
    assert cli.main(["generate", "--root", str(root)]) == 2  # `make lessons`
    assert "--backup" in capsys.readouterr().err
    assert lesson.read_bytes() == edited

    (root / "submitted" / "alice" / LESSON).mkdir(parents=True)  # `make grade`, with the edited notebook handed in
    shutil.copy(lesson, root / "submitted" / "alice" / LESSON)
    results = grading.grade(root, limits=LIMITS)
    assert [(r.student, r.score, r.status) for r in results] == [("alice", 0.0, "graded")]
    assert lesson.read_bytes() == edited

    written = grading.generate(root, backup=True)  # the instructor chooses to regenerate: the edit is kept aside
    assert written == [lesson]
    kept = list(lesson.parent.glob(f"{LESSON}.edited-*.ipynb"))
    assert len(kept) == 1 and kept[0].read_bytes() == edited
    assert ANSWER not in lesson.read_text()


def test_an_untouched_lesson_follows_its_solution(tmp_path: Path) -> None:
    root = make_course(tmp_path, [LESSON])
    grading.generate(root)
    source = root / "solutions" / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells[0].source += "\n\nA new paragraph from the instructor."
    nbformat.write(nb, source)
    lesson = root / "lessons" / LESSON / f"{LESSON}.ipynb"
    assert grading.generate(root) == [lesson]  # stamped and unedited: replaced without a backup
    assert "A new paragraph from the instructor." in lesson.read_text()
    assert list(lesson.parent.glob("*.edited-*")) == []
