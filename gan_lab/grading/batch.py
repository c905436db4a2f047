"""Grade a whole class: every submission in its own sandbox, one that fails costs only its own grade.

``grade(root)`` walks ``submitted/<student>/<lesson>/<lesson>.ipynb``, runs each through the verifier
(``sandbox.run``), and, from this process only, writes the gradebook (nbgrader's ``gradebook.db``),
``feedback/<student>/<lesson>/<lesson>.html``, ``grades.csv`` (every student x every lesson of the
batch, with a status) and ``grading_report.txt`` (one line per submission). Statuses:

- ``graded``: every code cell and check ran; the score is what the checks credited;
- ``partial``: the run stopped early (time or memory limit, a crash, ``os._exit``); exercises checked
  before that keep their score, the others get 0;
- ``error: <reason>``: the notebook could not be graded at all (not JSON, empty, another lesson): 0;
- ``missing``: nothing submitted: no score (an empty cell in grades.csv, not a 0).
"""

from __future__ import annotations

import csv
import io
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from gan_lab.grading import atomic_text, feedback, sandbox
from gan_lab.grading.submission import BadSubmission, Lesson, job, load_lesson, plan, read_submission


@dataclass
class Result:
    """One student's grade for one lesson."""

    student: str
    lesson: str
    max_score: int
    score: float | None = None  # None: missing
    status: str = "graded"
    exercises: dict[str, tuple[float, str]] = field(default_factory=dict)  # name -> (points, message)
    seconds: float = 0.0


def students_and_lessons(root: Path, lessons: dict[str, dict[str, int]]) -> tuple[list[str], list[str], list[Path]]:
    """Students (folders of ``submitted/``), the lessons any of them submitted, and folders of no lesson."""
    submitted = root / "submitted"
    folders = [p for p in submitted.glob("*/*") if p.is_dir()] if submitted.is_dir() else []
    students = sorted(p.name for p in submitted.iterdir() if p.is_dir()) if submitted.is_dir() else []
    unknown = sorted(p for p in folders if p.name not in lessons)
    return students, sorted({p.name for p in folders if p.name in lessons}), unknown


def grade_one(root: Path, lesson: Lesson, student: str, limits: sandbox.Limits, unsafe: bool) -> Result:
    """Run one submission and turn whatever happened into a score, a status and feedback."""
    result = Result(student, lesson.name, lesson.points)
    path = root / "submitted" / student / lesson.name / f"{lesson.name}.ipynb"
    if not path.parent.is_dir():
        result.status = "missing"
        return result
    items: list[dict] = []
    try:
        items = plan(lesson, read_submission(path, lesson))
        outcome = sandbox.run(job(lesson, items), hidden_paths(root), sandbox.for_lesson(limits, lesson.name), unsafe)
    except BadSubmission as err:
        result.score, result.status = 0.0, f"error: {err}"
        result.exercises = {e.name: (0.0, "not graded: " + str(err)) for e in lesson.exercises}
    except Exception as err:
        result.score, result.status = 0.0, f"error: grader failed ({type(err).__name__}: {err})"
        traceback.print_exc()
    else:
        result.seconds = outcome.seconds
        score = 0.0
        for exercise in lesson.exercises:
            check = outcome.checks.get(exercise.name)
            if check is None:
                why = outcome.stop or "the check did not report"
                result.exercises[exercise.name] = (0.0, f"not checked: {why}")
            elif check["passed"]:
                result.exercises[exercise.name] = (float(exercise.points), "passed")
                score += exercise.points
            else:
                result.exercises[exercise.name] = (0.0, check["message"])
        result.score = score
        if not outcome.ready:
            result.status = f"error: the notebook could not start ({outcome.stop})"
        elif not outcome.done:
            result.status = "partial"
        feedback.attach(items, outcome)
    feedback.write(root, result, items)
    return result


def hidden_paths(root: Path) -> list[Path]:
    """What the sandbox must not see: the course (gradebook, submissions, solutions) and the package's checkout."""
    paths = {root.resolve(), sandbox.PACKAGE.parent}
    return sorted(p for p in paths if p.is_dir() and p != Path("/"))


def record(root: Path, lessons: list[Lesson], results: list[Result]) -> None:
    """Write the scores into nbgrader's gradebook (this process only; the sandbox never sees it)."""
    from nbgrader.api import Gradebook

    from gan_lab.grading.release import alembic_on_path

    alembic_on_path()
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader 0.9.6 on every new submission
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for lesson in lessons:
            gradebook.update_or_create_assignment(lesson.name)
            gradebook.update_or_create_notebook(lesson.name, lesson.name)
            for e in lesson.exercises:
                gradebook.update_or_create_grade_cell(
                    e.grade_id, lesson.name, lesson.name, max_score=e.points, cell_type="code"
                )
        by_name = {lesson.name: lesson for lesson in lessons}
        for r in results:
            if r.score is None:
                continue
            gradebook.update_or_create_student(r.student)
            gradebook.update_or_create_submission(r.lesson, r.student)
            for e in by_name[r.lesson].exercises:
                grade = gradebook.find_grade(e.grade_id, r.lesson, r.lesson, r.student)
                grade.auto_score = r.exercises[e.name][0]
                grade.manual_score = None
                grade.needs_manual_grade = False
            gradebook.db.commit()


def write_csv(path: Path, results: list[Result]) -> None:
    """grades.csv: student_id, lesson, score ('' when missing), max_score, status, then points per exercise."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student_id", "lesson", "score", "max_score", "status", "exercises"])
    for r in sorted(results, key=lambda r: (r.student, r.lesson)):
        points = " ".join(f"{name}={p:g}" for name, (p, _) in r.exercises.items())
        score = "" if r.score is None else f"{r.score:g}"
        writer.writerow([r.student, r.lesson, score, r.max_score, r.status, points])
    atomic_text(path, out.getvalue())


def write_report(path: Path, results: list[Result]) -> None:
    """One line per submission, then one per exercise that lost points: what the instructor reads first."""
    lines = []
    for r in sorted(results, key=lambda r: (r.student, r.lesson)):
        score = "-" if r.score is None else f"{r.score:g}/{r.max_score}"
        lines.append(f"{r.student}/{r.lesson}: {score} {r.status} ({r.seconds:.0f} s)")
        lines += [f"    {name}: {message}" for name, (p, message) in r.exercises.items() if message != "passed"]
    atomic_text(path, "\n".join(lines) + "\n")


def grade(
    root: Path,
    checks_lessons: dict[str, dict[str, int]],
    limits: sandbox.Limits | None = None,
    unsafe: bool = False,
    log=print,
) -> list[Result]:
    """Grade every submission under ``root/submitted``; returns one Result per student and lesson."""
    limits = limits or sandbox.Limits()
    if not unsafe:
        sandbox.require_sandbox()
    students, names, unknown = students_and_lessons(root, checks_lessons)
    for folder in unknown:
        log(f"ignored {folder.relative_to(root)}: no lesson is called {folder.name!r}")
    if not students:
        raise SystemExit(f"nothing to grade: put submissions in {root / 'submitted'}/<student>/<lesson>/<lesson>.ipynb")
    lessons = [load_lesson(root, name, checks_lessons[name]) for name in names]
    results = []
    for lesson in lessons:
        for student in students:
            result = grade_one(root, lesson, student, limits, unsafe)
            score = "-" if result.score is None else f"{result.score:g}/{result.max_score}"
            log(f"{student}/{lesson.name}: {score} {result.status} ({result.seconds:.1f} s)")
            results.append(result)
    record(root, lessons, results)
    write_csv(root / "grades.csv", results)
    write_report(root / "grading_report.txt", results)
    return results
