"""The hostile corpus (tests/hostile/, written by make_corpus.py) graded in one batch.

The slow test grades all of it and asserts every score and status, that honest work scores what it
deserves, that grades.csv covers every student and lesson, that nothing outside the submissions
changed and that no process is left. The default suite grades a subset on lesson 06: a notebook that
cannot be read (batch abort), a gradebook write, a write into the course's sources, two in-kernel
cheats, and honest notebooks graded after them.
"""

from __future__ import annotations

import json
import time

import pytest
from grading_course import (
    HOSTILE,
    course_files,
    csv_rows,
    feedback,
    grade,
    machine_paths,
    make_course,
    stray_processes,
    submit_corpus,
)

EXPECTED = json.loads((HOSTILE / "expected.json").read_text())


def check_batch(tmp_path, students: dict[str, str]) -> dict:
    """Grade ``students`` (course name -> corpus name) and assert everything the corpus expects."""
    lessons = sorted({EXPECTED[name]["lesson"] for name in students.values()})
    root = make_course(tmp_path, lessons)
    submit_corpus(root, students)
    before = course_files(root)
    start = time.perf_counter()
    results = grade(root)
    print(f"graded {len(students)} submissions in {time.perf_counter() - start:.0f} s")
    time.sleep(1)
    assert stray_processes(root) == []
    assert course_files(root) == before, "a submission changed the course's files"
    rows = csv_rows(root)
    assert set(rows) == {f"{s}/{lesson}" for s in students for lesson in lessons}  # every student, every lesson
    wrong = {}
    for student, name in students.items():
        want = EXPECTED[name]
        key = f"{student}/{want['lesson']}"
        got = results[key]
        if (got.score, got.max_score) != (want["score"], want["max_score"]) or not got.status.startswith(
            want["status"]
        ):
            wrong[key] = (got.score, got.status, want["score"], want["status"], got.exercises)
        assert rows[key]["score"] == f"{want['score']:g}" and rows[key]["status"] == got.status
        page = feedback(root, student, want["lesson"])
        assert f"Score: {want['score']:g} / " in page and got.status in page
        assert not [p for p in machine_paths(root) if p in page], "feedback shows a path of the grading machine"
        assert "http://" not in page and "https://" not in page.split("</head>")[0]  # nothing loaded online
        for lesson in lessons:
            if lesson != want["lesson"]:  # not handed in: no score, not a 0
                assert results[f"{student}/{lesson}"].status == "missing"
                assert rows[f"{student}/{lesson}"]["score"] == ""
    assert wrong == {}
    report = (root / "grading_report.txt").read_text()
    assert all(f"{s}/" in report for s in students)
    return root


@pytest.mark.slow
def test_whole_hostile_corpus(tmp_path) -> None:
    assert len(EXPECTED) >= 30
    root = check_batch(tmp_path, {name: name for name in EXPECTED})
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        scores = {(s.student.id, s.assignment.name): s.score for a in gradebook.assignments for s in a.submissions}
    for name, want in EXPECTED.items():  # the gradebook holds what the batch measured, nothing the learner wrote
        assert scores[(name, want["lesson"])] == want["score"], name


def test_hostile_subset(tmp_path) -> None:
    """Default suite: a batch abort, a gradebook write, a write into the checks, in-kernel cheats, then honest work."""
    students = {
        "a_bad_json": "bad_json",
        "b_os_exit": "os_exit",
        "c_writes_gradebook": "writes_gradebook",
        "d_writes_into_checks": "writes_into_checks",
        "e_reload_replaced": "reload_replaced",
        "f_guard_off": "guard_off",
        "g_honest_full": "honest_full",
        "h_honest_blank": "honest_blank",
    }
    root = check_batch(tmp_path, students)
    page = feedback(root, "e_reload_replaced", "06_theory")
    assert "your code replaced importlib.reload" in page
    assert "refused:" in feedback(root, "d_writes_into_checks", "06_theory")
