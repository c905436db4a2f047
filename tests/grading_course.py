"""Helpers of the grading tests: a throw-away course, its batch, and what must not change or linger."""

from __future__ import annotations

import csv
import hashlib
import html
import os
import shutil
from pathlib import Path

from gan_lab import grading
from gan_lab.grading.sandbox import Limits

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
# short limits: the corpus's loops and sleeps cost seconds, not minutes
LIMITS = Limits(wall_s=90, cell_s=6, check_s=60, memory_bytes=5 << 30, output_chars=5000)


def make_course(tmp: Path, lessons: list[str]) -> Path:
    """A course directory with the config and the lessons' solution notebooks (what grading reads)."""
    root = tmp / "course"
    (root / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, root / "solutions" / lesson)
    return root


def submit_corpus(root: Path, students: dict[str, str]) -> None:
    """Copy hostile submissions into ``submitted/``: {name in the course: name in tests/hostile/corpus}."""
    for student, name in students.items():
        shutil.copytree(HOSTILE / "corpus" / name, root / "submitted" / student, symlinks=True)


def tree_hashes(*folders: Path) -> dict[str, str]:
    """SHA-256 of every file under the folders (bytecode caches aside)."""
    hashes = {}
    for folder in folders:
        files = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" not in path.parts:
                hashes[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def course_files(root: Path) -> dict[str, str]:
    """What no submission may change: the package, the course's sources and the submissions themselves."""
    return tree_hashes(
        ROOT / "gan_lab",
        ROOT / "solutions",
        ROOT / "lessons",
        ROOT / "nbgrader_config.py",
        root / "solutions",
        root / "submitted",
        root / "nbgrader_config.py",
    )


def stray_processes(root: Path) -> list[str]:
    """Processes a submission or the sandbox of the course ``root`` left behind (the corpus's daemons sleep 600 s)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "sleep 600" in cmd or cmd.startswith("bwrap ") and str(root) in cmd:
            found.append(f"{proc.name}: {cmd[:120]}")
    return found


def grade(root: Path) -> dict[str, grading.batch.Result]:
    """Grade the course with the short limits; results by 'student/lesson'."""
    results = grading.grade(root, limits=LIMITS, log=lambda line: print(line, flush=True))
    return {f"{r.student}/{r.lesson}": r for r in results}


def csv_rows(root: Path) -> dict[str, dict[str, str]]:
    with (root / "grades.csv").open() as f:
        return {f"{r['student_id']}/{r['lesson']}": r for r in csv.DictReader(f)}


def feedback(root: Path, student: str, lesson: str) -> str:
    return html.unescape((root / "feedback" / student / lesson / f"{lesson}.html").read_text())


def machine_paths(root: Path) -> list[str]:
    """Paths of this machine that a feedback page must not show."""
    import sys

    paths = {str(root), str(ROOT), sys.prefix, os.path.realpath(sys.prefix), str(Path.home())}
    return sorted(p for p in paths if len(p) > 1)
