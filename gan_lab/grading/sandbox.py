"""Run the verifier on one submission inside a bubblewrap sandbox and collect the results it reports.

The sandbox (``bwrap``, Debian/Ubuntu package ``bubblewrap``; ``prlimit`` from util-linux):

- nothing of the file system but ``/usr``, the dynamic loader's files and the Python environment, all
  read-only (no home folders, no course: no gradebook, no submissions, no solutions), a private
  ``/tmp`` of bounded size, and one writable scratch folder that starts empty;
- the ``gan_lab`` package bound read-only where the verifier imports it, the Python environment read-only;
- its own pid, network, IPC and UTS namespaces: no network, and every process the learner started dies
  with the sandbox (``--die-with-parent``; the namespace's init takes all its processes with it);
- its own user namespace without capabilities, limits on CPU seconds, address space, file size and open
  files, and a wall-clock limit for the whole run, enforced here by killing the sandbox. (Process count is
  not limited by ``RLIMIT_NPROC``, which does not bind the invoking root: the verifier refuses to start
  processes from learner code instead, and the pid namespace ends any that slip through.)

Only the lines on the results pipe that carry this run's nonce are believed; the learner's stdout and
stderr are drained and capped. Running learner code without the sandbox needs ``unsafe=True``
(``--unsafe-no-sandbox``), which is for a trusted single-user check only.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import gan_lab

PACKAGE = Path(gan_lab.__file__).resolve().parent  # the gan_lab whose checks grade (bound read-only)
LIB = "/tmp/grader/lib"  # where the sandbox sees it
WORK = "/tmp/grader/work"  # the scratch folder, the only writable place besides /tmp


@dataclass
class Limits:
    """Resource limits of one submission's run."""

    wall_s: float = 600.0  # the whole notebook: enforced by killing the sandbox
    cpu_s: int = 900  # CPU seconds of all its processes (RLIMIT_CPU, per process)
    cell_s: float = 240.0  # one learner cell (the training cells take up to ~3 minutes on one thread)
    check_s: float = 240.0  # one exercise's checks
    memory_bytes: int = 8 << 30  # address space (importing torch alone reserves ~3.4 GB of it)
    file_bytes: int = 256 << 20  # largest file it may write
    tmp_bytes: int = 256 << 20  # size of its private /tmp
    output_chars: int = 20_000  # output kept per cell for the feedback
    pipe_bytes: int = 8 << 20  # results read from the pipe at most


# Lessons whose graded check trains the learner's GAN from scratch (the hidden cases of train_gan and
# train_conv64, gan_lab.checks.learned_loop): that run costs 37-41 s (lesson 3) and 109-140 s (lesson 4) of one
# CPU thread (book/results/lesson_calibration/), on top of the notebook's own training cell. Their check, CPU
# and wall limits get about twice the slowest calibrated run more, so that a slower grading machine still
# finishes a correct run; every other lesson keeps the limits as given.
TRAINING_S = {"03_training_step": 90, "04_conv_gan_64": 300}


def for_lesson(limits: Limits, lesson: str) -> Limits:
    """``limits`` with the time of the lesson's own training run added to the check, CPU and wall limits."""
    extra = TRAINING_S.get(lesson, 0)
    return replace(limits, wall_s=limits.wall_s + extra, cpu_s=limits.cpu_s + extra, check_s=limits.check_s + extra)


@dataclass
class Outcome:
    """What came back from one run: trusted results, the end of the run, and how long it took."""

    cells: dict[int, dict] = field(default_factory=dict)  # cell index -> {"output", "error"}
    checks: dict[str, dict] = field(default_factory=dict)  # exercise -> {"passed", "message", "output"}
    ready: bool = False  # the verifier loaded the checks and reached learner code
    done: bool = False  # it reported every cell and check and exited cleanly
    stop: str = ""  # why it ended early ("" when done)
    seconds: float = 0.0


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


def require_sandbox() -> None:
    """Fail with one line when the sandbox cannot run on this machine."""
    for tool in ("bwrap", "prlimit"):
        if shutil.which(tool) is None:
            raise SandboxUnavailable(
                f"'{tool}' not found: grading runs learner code in a bubblewrap sandbox; install it with "
                "'apt-get install bubblewrap util-linux' (or pass --unsafe-no-sandbox on a trusted machine)"
            )
    probe = subprocess.run([*bwrap_args(Path("/nonexistent"), []), "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(f"bwrap cannot create a sandbox here: {probe.stderr.strip()[:200]}")


SYSTEM = ("/usr", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/alternatives")
MERGED = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")  # symbolic links into /usr on merged-/usr systems


def bwrap_args(work: Path, hidden: list[Path], tmp_bytes: int = Limits.tmp_bytes) -> list[str]:
    """The bwrap command line (without the program to run).

    Only what running Python needs is visible: ``/usr``, the dynamic loader's files, the Python
    environment and its base installation, all read-only (not ``/etc`` as a whole: the sandbox runs as
    the grader's user, so it must not see what that user may read, e.g. ``/etc/shadow`` as root).
    """
    args = ["bwrap"]
    for path in MERGED:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    python = {sys.prefix, sys.base_prefix, os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}
    for path in [*SYSTEM, *sorted(python)]:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    for path in hidden:  # the course inside a visible folder (e.g. under /usr): empty, read-only
        if any(path.is_relative_to(p) for p in [*SYSTEM, *python]):
            args += ["--tmpfs", str(path), "--remount-ro", str(path)]
            args += [a for p in sorted(python) if Path(p).is_relative_to(path) for a in ("--ro-bind", p, p)]
    args += ["--dev", "/dev", "--proc", "/proc", "--size", str(tmp_bytes), "--tmpfs", "/tmp"]
    args += ["--perms", "0755", "--dir", "/tmp/grader"]
    # a Python environment under /tmp (a course checked out there) is covered by the private /tmp: show it again
    args += [a for p in sorted(python) if Path(p).is_relative_to("/tmp") for a in ("--ro-bind", p, p)]
    if work.exists():
        args += ["--bind", str(work), WORK, "--ro-bind", str(PACKAGE), f"{LIB}/gan_lab", "--chdir", WORK]
    args += ["--remount-ro", "/", "--unshare-user", "--uid", "1000", "--gid", "1000", "--unshare-pid"]
    args += ["--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent"]
    return [*args, "--new-session"]


def command(work: Path, hidden: list[Path], limits: Limits, unsafe: bool) -> list[str]:
    python = [sys.executable, "-I", str((LIB if not unsafe else str(PACKAGE.parent)) + "/gan_lab/grading/verifier.py")]
    prlimit = [
        "prlimit",
        f"--cpu={limits.cpu_s}",
        f"--as={limits.memory_bytes}",
        f"--fsize={limits.file_bytes}",
        "--nofile=256",
        "--core=0",
        "--",
    ]
    return prlimit + python if unsafe else [*bwrap_args(work, hidden, limits.tmp_bytes), *prlimit, *python]


def environment() -> dict[str, str]:
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL") if k in os.environ}
    return {
        **keep,
        "HOME": WORK,
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "XDG_CACHE_HOME": "/tmp/cache",
        "TQDM_DISABLE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }


def _drain(stream, limit: int, sink: list[bytes]) -> None:
    """Read a stream to its end, keeping at most ``limit`` bytes (an output flood must not fill memory)."""
    kept = 0
    while chunk := stream.read(65536):
        if kept < limit:
            sink.append(chunk[: limit - kept])
            kept += len(sink[-1])


def run(job: dict, hidden: list[Path], limits: Limits, unsafe: bool = False) -> Outcome:
    """Run the verifier on ``job`` (see ``verifier.py``) and return the results it reported with the nonce."""
    nonce = secrets.token_hex(16)
    job = {**job, "nonce": nonce, "lib": LIB if not unsafe else str(PACKAGE.parent)}
    job.update(cell_timeout=limits.cell_s, check_timeout=limits.check_s, output_limit=limits.output_chars)
    outcome = Outcome()
    with tempfile.TemporaryDirectory(prefix="gan-lab-grade-") as scratch:
        work = Path(scratch) / "work"
        work.mkdir()
        read_fd, write_fd = os.pipe()
        job["result_fd"] = write_fd  # inherited by the verifier; not a secret, the nonce is
        start = time.perf_counter()
        proc = subprocess.Popen(
            command(work, hidden, limits, unsafe),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            env=environment(),
            cwd=work,
            start_new_session=True,
        )
        os.close(write_fd)
        results: list[bytes] = []
        noise: list[bytes] = []
        readers = [
            threading.Thread(target=_drain, args=(os.fdopen(read_fd, "rb"), limits.pipe_bytes, results)),
            threading.Thread(target=_drain, args=(proc.stdout, 1 << 16, noise)),
        ]
        for reader in readers:
            reader.start()
        try:
            proc.stdin.write(json.dumps(job).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            proc.wait(timeout=limits.wall_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # bwrap and, through the pid namespace, all it started
            proc.wait()
            outcome.stop = f"stopped after {limits.wall_s:g} s (time limit for the whole notebook)"
        for reader in readers:
            reader.join(timeout=30)
        outcome.seconds = time.perf_counter() - start
    parse(b"".join(results), nonce, outcome)
    if not outcome.done and not outcome.stop:
        outcome.stop = ended(proc.returncode, b"".join(noise).decode(errors="replace"))
    return outcome


def parse(data: bytes, nonce: str, outcome: Outcome) -> None:
    """Keep only lines that start with the nonce: ``<nonce> <kind> <name> <0|1> <json>``; the rest was not the verifier."""
    for line in data.decode(errors="replace").splitlines():
        parts = line.split(" ", 4)
        if len(parts) != 5 or parts[0] != nonce:
            continue
        _, kind, name, flag, payload = parts
        try:
            fields = json.loads(payload)
        except ValueError:
            fields = {}
        if not isinstance(fields, dict):
            fields = {}
        if kind == "ready":
            outcome.ready = True
        elif kind == "cell" and name.isdigit():
            error = fields.get("error")
            outcome.cells[int(name)] = {
                "output": str(fields.get("output", "")),
                "error": None if error is None else str(error),
            }
        elif kind == "check":
            outcome.checks[name] = {
                "passed": flag == "1",  # the verdict is the token, never the JSON the learner's text went into
                "message": "" if flag == "1" else str(fields.get("message", "")) or "failed",
                "output": str(fields.get("output", "")),
            }
        elif kind == "done":
            outcome.done = True


def ended(returncode: int | None, noise: str) -> str:
    """Why a run ended without reporting everything, in the learner's terms."""
    if returncode is not None and returncode < 0:
        name = signal.Signals(-returncode).name
        why = {"SIGKILL": "killed (memory or CPU limit, or it killed itself)", "SIGXCPU": "CPU time limit"}
        return f"the notebook's process ended with {name}: {why.get(name, 'a signal')}"
    last = [line for line in noise.strip().splitlines() if line.strip()][-1:]
    detail = f" ({last[0][:200]})" if last else ""
    return f"the notebook's process exited early with status {returncode}{detail}"
