"""Instructor commands around nbgrader: ``python -m gan_lab.grading generate|grade`` (``make lessons``/``make grade``).

- ``generate``: regenerate ``lessons/`` (nbgrader's release directory) from ``solutions/`` (its source
  directory) with ``nbgrader generate_assignment``, one assignment per lesson, and strip outputs and
  execution counts so the released notebooks are clean.
- ``strip``: remove outputs and execution counts from the ``solutions/`` notebooks (before committing).
- ``grade``: autograde every submission under ``submitted/<student>/<lesson>/`` (``--force``, so a
  regrade replaces an earlier grade), write feedback HTML under ``feedback/`` and export ``grades.csv``.

Both use nbgrader's Python API on the course root (where ``nbgrader_config.py`` lives), with this
interpreter's ``bin/`` first on PATH: nbgrader creates the gradebook with ``alembic``, which must be found
there. ``--root`` points at another course directory (the tests use a temporary copy).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent


def lessons_in(root: Path) -> list[str]:
    """Lesson names: folders of ``solutions/`` that hold ``<name>/<name>.ipynb``."""
    return sorted(p.parent.name for p in (root / "solutions").glob("*/*.ipynb") if p.stem == p.parent.name)


def api(root: Path):  # noqa: ANN201
    """nbgrader's Python API on the course in ``root``, configured by its ``nbgrader_config.py``.

    In-process rather than one ``nbgrader`` command per step: the command's start-up costs seconds.
    """
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    bin_dir = str(Path(sys.executable).parent)  # alembic, which creates the gradebook, must be on PATH
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # inherited by the kernels that run the notebooks
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    return NbGraderAPI(config=config)


def _ok(result: dict, what: str) -> dict:
    if not result.get("success"):
        raise SystemExit(f"nbgrader {what} failed: {result.get('error')}\n{result.get('log', '')}")
    return result


def strip_notebook(path: Path) -> bool:
    """Remove outputs, execution counts and kernel noise from a notebook in place; True when it changed."""
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled", "ExecuteTime"):
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    after = nbformat.writes(nb)
    if after != before:
        path.write_text(after)
    return after != before


def generate(root: Path = REPO, lessons: list[str] | None = None, nbgrader=None) -> list[Path]:  # noqa: ANN001
    """``lessons/<lesson>/<lesson>.ipynb`` from ``solutions/``, outputs stripped; returns the written notebooks.

    Also records each lesson's grade cells (and their checksums) in the gradebook, which autograding needs.
    """
    nbgrader = nbgrader or api(root)
    written = []
    for lesson in lessons or lessons_in(root):
        _ok(nbgrader.generate_assignment(lesson, force=True), f"generate_assignment {lesson}")
        for path in sorted((root / "lessons" / lesson).glob("*.ipynb")):
            strip_notebook(path)
            written.append(path)
    return written


def export_grades(root: Path, path: Path) -> None:
    """One row per student and lesson (nbgrader's CSV export)."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        CsvExportPlugin(to=str(path)).export(gradebook)


def grade(root: Path = REPO) -> dict[tuple[str, str], float]:
    """Autograde everything under ``submitted/``, write feedback HTML and ``grades.csv``.

    Returns the seconds each autograde took, by (student, lesson).
    """
    submitted = root / "submitted"
    pairs = sorted((p.parent.name, p.name) for p in submitted.glob("*/*") if p.is_dir()) if submitted.is_dir() else []
    if not pairs:
        raise SystemExit(f"nothing to grade: put submissions in {submitted}/<student>/<lesson>/<lesson>.ipynb")
    nbgrader = api(root)
    generate(root, sorted({lesson for _, lesson in pairs}), nbgrader)
    seconds = {}
    for student, lesson in pairs:
        start = time.perf_counter()
        _ok(nbgrader.autograde(lesson, student, force=True, create=True), f"autograde {lesson} {student}")
        seconds[(student, lesson)] = time.perf_counter() - start
        _ok(nbgrader.generate_feedback(lesson, student, force=True), f"generate_feedback {lesson} {student}")
    export_grades(root, root / "grades.csv")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gan_lab.grading", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("generate", "grade", "strip"), help="strip: clean the solutions notebooks")
    parser.add_argument("--root", type=Path, default=REPO, help="course directory holding nbgrader_config.py")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / "nbgrader_config.py").is_file():
        print(f"error: {root} has no nbgrader_config.py", file=sys.stderr)
        return 2
    if args.command == "strip":
        for path in sorted((root / "solutions").glob("*/*.ipynb")):
            if strip_notebook(path):
                print(f"stripped {path.relative_to(root)}")
    elif args.command == "generate":
        for path in generate(root):
            print(f"wrote {path.relative_to(root)}")
    else:
        # nbgrader 0.9.6's gradebook triggers SQLAlchemy 'not in session' warnings on every regrade: noise
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for (student, lesson), s in grade(root).items():
            print(f"autograded {student}/{lesson} in {s:.1f} s")
        print(f"wrote {root / 'feedback'}/ and {root / 'grades.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
