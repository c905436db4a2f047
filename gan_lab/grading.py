"""Instructor commands around nbgrader: ``python -m gan_lab.grading generate|grade`` (``make lessons``/``make grade``).

- ``generate``: regenerate ``lessons/`` (nbgrader's release directory) from ``solutions/`` (its source
  directory) with ``nbgrader generate_assignment``, one assignment per lesson, and strip outputs and
  execution counts so the released notebooks are clean.
- ``grade``: autograde every submission under ``submitted/<student>/<lesson>/`` (``--force``, so a
  regrade replaces an earlier grade), write feedback HTML under ``feedback/`` and export ``grades.csv``.

Both run nbgrader with the course root as working directory (where ``nbgrader_config.py`` lives) and
with this interpreter's ``bin/`` first on PATH: nbgrader creates the gradebook with ``alembic``, which
must be found there. ``--root`` points at another course directory (the tests use a temporary copy).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent


def lessons_in(root: Path) -> list[str]:
    """Lesson names: folders of ``solutions/`` that hold ``<name>/<name>.ipynb``."""
    return sorted(p.parent.name for p in (root / "solutions").glob("*/*.ipynb") if p.stem == p.parent.name)


def nbgrader(root: Path, *args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader *args`` in ``root``; raise with its log when it fails."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("OMP_NUM_THREADS", "1")
    cmd = [str(Path(sys.executable).parent / "nbgrader"), *args]
    if quiet:
        cmd.append("--log-level=WARN")
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


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


def generate(root: Path = REPO, lessons: list[str] | None = None) -> list[Path]:
    """``lessons/<lesson>/<lesson>.ipynb`` from ``solutions/``, outputs stripped; returns the written notebooks."""
    written = []
    for lesson in lessons or lessons_in(root):
        nbgrader(root, "generate_assignment", lesson, "--force")
        for path in sorted((root / "lessons" / lesson).glob("*.ipynb")):
            strip_notebook(path)
            written.append(path)
    return written


def grade(root: Path = REPO) -> dict[str, float]:
    """Autograde everything under ``submitted/``, write feedback HTML and ``grades.csv``; seconds per lesson."""
    submitted = root / "submitted"
    lessons = sorted({p.name for p in submitted.glob("*/*") if p.is_dir()}) if submitted.is_dir() else []
    if not lessons:
        raise SystemExit(f"nothing to grade: put submissions in {submitted}/<student>/<lesson>/<lesson>.ipynb")
    generate(root, lessons)  # records the grade cells (and their checksums) in the gradebook
    seconds = {}
    for lesson in lessons:
        start = time.perf_counter()
        nbgrader(root, "autograde", lesson, "--force")
        seconds[lesson] = time.perf_counter() - start
        nbgrader(root, "generate_feedback", lesson, "--force")
    nbgrader(root, "export", "--to", str(root / "grades.csv"))
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gan_lab.grading", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("generate", "grade"))
    parser.add_argument("--root", type=Path, default=REPO, help="course directory holding nbgrader_config.py")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / "nbgrader_config.py").is_file():
        print(f"error: {root} has no nbgrader_config.py", file=sys.stderr)
        return 2
    if args.command == "generate":
        for path in generate(root):
            print(f"wrote {path.relative_to(root)}")
    else:
        for lesson, s in grade(root).items():
            print(f"autograded {lesson} in {s:.1f} s")
        print(f"wrote {root / 'feedback'}/ and {root / 'grades.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
