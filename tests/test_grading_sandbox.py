"""The sandbox on its own (no notebooks): what a sandboxed process can see, change and leave behind."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from grading_course import make_course, stray_processes

from gan_lab.grading import __main__ as cli
from gan_lab.grading import sandbox
from gan_lab.grading.feedback import points, scrub


def in_sandbox(work: Path, hidden: list[Path], script: str) -> subprocess.CompletedProcess:
    args = [*sandbox.bwrap_args(work, hidden), "sh", "-c", script]
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def test_sandbox_hides_the_course_and_writes_nowhere_else(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    (course / "gradebook.db").write_text("grades")
    work = tmp_path / "work"
    work.mkdir()
    script = f"""
        ls -A {course} | wc -l                                  # hidden: empty
        ls {sandbox.LIB}/gan_lab/checks/__init__.py             # the checks, read-only
        touch {sandbox.LIB}/gan_lab/checks/x 2>/dev/null || echo lib-readonly
        touch {course}/x 2>/dev/null || echo course-readonly
        touch /etc/x 2>/dev/null || echo root-readonly
        touch {sandbox.WORK}/mine && echo work-writable
        tail -n +3 /proc/net/dev | grep -vc '^ *lo:'            # no network interface but loopback
        (setsid sleep 600 &)
    """
    out = in_sandbox(work, [course, sandbox.PACKAGE.parent], script)
    lines = out.stdout.split()
    assert out.returncode == 0, out.stderr
    assert lines[0] == "0" and "lib-readonly" in lines and "course-readonly" in lines and "root-readonly" in lines
    assert "work-writable" in lines and (work / "mine").exists()
    assert lines[-1] == "0"  # no network interface up
    assert (course / "gradebook.db").read_text() == "grades"
    time.sleep(0.5)
    assert stray_processes(course) == []  # the daemon died with the sandbox's pid namespace


def test_missing_bubblewrap_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    root = make_course(tmp_path, ["06_theory"])
    (root / "submitted" / "alice" / "06_theory").mkdir(parents=True)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert cli.main(["grade", "--root", str(root)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: 'bwrap' not found") and "apt-get install bubblewrap" in err
    assert len(err.splitlines()) == 1
    assert not (root / "grades.csv").exists()  # nothing graded unsandboxed


def test_feedback_words() -> None:
    assert [points(n) for n in (1, 2, 1.5, 0)] == ["1 point", "2 points", "1.5 points", "0 points"]
    root = Path("/srv/course")
    assert (
        scrub(f"File {root}/x.py and {sandbox.PACKAGE.parent}/gan_lab", root)
        == "File <course>/x.py and <course>/gan_lab"
    )


def test_a_hypothesis_sweep_runs_under_the_audit_hook() -> None:
    """The verifier warms hypothesis up before its audit hook: a check's first sweep must not meet the refused
    gc.get_referrers (correct code was scored 0 as 'flaky'). Without warm_up() this very script fails."""
    import sys

    from tests.conftest import ENV, ROOT

    script = (
        "import sys, torch\n"
        "from gan_lab.checks.lesson1_noise_mlp import check_sample_z\n"
        "from gan_lab.grading.integrity import REFUSED\n"
        "from gan_lab.grading.verifier import warm_up\n"
        "warm_up()\n"
        "def hook(event, args):\n"
        "    if event in REFUSED or event.startswith('ctypes.'):\n"
        "        raise PermissionError(event + ' is not allowed while grading')\n"
        "sys.addaudithook(hook)\n"
        "check_sample_z(lambda batch_size, latent_dim, device='cpu': torch.randn(batch_size, latent_dim, device=device))\n"
        "print('passed')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=300
    )
    assert result.stdout.strip() == "passed", result.stderr[-2000:]


def test_a_figure_draws_without_threads_in_an_empty_matplotlib_folder(tmp_path: Path) -> None:
    """The sandbox gives matplotlib an empty config folder: building its font list there starts a timer thread,
    which the verifier refuses. The lessons' live grid stopped with 'threads are not allowed while grading' on every
    feedback page until warm_up() built the list first. Without it this very script fails."""
    import sys

    from tests.conftest import ENV, ROOT

    script = (
        "import _thread, threading\n"
        "from gan_lab.grading.integrity import no_threads\n"
        "from gan_lab.grading.verifier import warm_up\n"
        "warm_up()\n"
        "for owner, name in ((_thread, 'start_new_thread'), (_thread, 'start_new'), (threading, '_start_new_thread')):\n"
        "    setattr(owner, name, no_threads)  # as the verifier does\n"
        "import io\n"
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\n"
        "ax.set_title('step 100: loss_d 1.2')\n"
        "fig.savefig(io.BytesIO(), format='png')\n"
        "print('drawn')\n"
    )
    env = {**ENV, "MPLCONFIGDIR": str(tmp_path / "matplotlib"), "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert result.stdout.strip() == "drawn", result.stderr[-2000:]


def test_a_python_environment_under_tmp_stays_visible(monkeypatch, tmp_path):
    """A course checked out under /tmp (its .venv too): the sandbox's private /tmp must not hide the interpreter.

    Found by a clean-clone CI run in /tmp/clean: every submission failed with 'prlimit: failed to execute
    /tmp/clean/.venv/bin/python'.
    """
    monkeypatch.setattr(sandbox.sys, "prefix", "/tmp/course/.venv")
    args = sandbox.bwrap_args(tmp_path / "work", [])
    private_tmp = max(i for i in range(len(args) - 1) if args[i : i + 2] == ["--tmpfs", "/tmp"])
    rebinds = [
        i for i in range(len(args) - 2) if args[i : i + 3] == ["--ro-bind", "/tmp/course/.venv", "/tmp/course/.venv"]
    ]
    assert rebinds and max(rebinds) > private_tmp, args
