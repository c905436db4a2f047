"""The program that scores one submission, run by ``sandbox.py`` inside the sandbox as ``python -I verifier.py``.

It never trusts the notebook kernel: it starts a fresh interpreter, imports the checks and every library
they use *before* any learner code, snapshots them, then executes the learner's code cells (their source
only; the instructor's locked cells replace the learner's copies and grade cells are never executed) and,
at each grade cell's place, calls ``gan_lab.checks.EXERCISES[exercise]`` itself on the object the learner
defined. What learner code can try, and why it does not move a grade:

- reassign a check, replace ``importlib.reload``, add an IPython input transformer, put a fake
  ``gan_lab/`` first on ``sys.path``: the checks were fetched before learner code ran, no IPython runs,
  and ``sys.path``/``sys.modules`` are restored before each check;
- patch a library (numpy, torch, scipy, builtins, the guard's state, ...): every module loaded before
  learner code is fingerprinted (its functions, classes and their code; the containers of ``gan_lab``)
  and a check whose world changed scores 0, with a message naming what changed;
- print or write a fake verdict: results reach the grader through an audit hook that holds the nonce the
  grader passed on stdin and writes only when called from this file's ``report`` called by ``main``
  (code objects compared by identity; a hook cannot be removed or read from Python);
- reach into this program: its functions keep what they use in default arguments (not globals), its
  state in tuples, and an audit hook refuses changing the code or defaults of any function or class
  loaded before learner code (libraries, checks, this file), ``gc`` object walks, ``ctypes``, tracing, threads, new processes, signals to other
  processes, symbolic links and opening ``/proc/*/mem``; the process is not dumpable.

Residual risk, stated: a check calls learner code in this interpreter, so a learner function can still
patch a library for the duration of one call and restore it before the check ends; the checks' own
guard (``verify_untouched``) narrows that, and the sandbox bounds any damage to this learner's grade.
Only the standard library is imported at module level: the checks come from the read-only course copy.
"""

from __future__ import annotations

import _thread
import builtins
import json
import os
import signal
import sys
import threading
import types

sys.path[:0] = [os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))]  # the course copy
from gan_lab.grading.integrity import changed, make_hook, no_threads, snapshot  # noqa: E402


class CellTimeout(BaseException):
    """Raised by the alarm when a cell or a check runs past its time (a BaseException, like Ctrl-C)."""


class Capped:
    """A text stream that keeps the first ``limit`` characters: an output flood costs memory for nothing."""

    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.size, self.limit, self.dropped = 0, limit, 0

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        note = f"\n[... {self.dropped} more characters of output dropped]" if self.dropped else ""
        return "".join(self.parts) + note


def report(kind, name, flag, payload, audit=sys.audit, dumps=json.dumps, str_=str, int_=int):
    """One result line: fixed tokens first (kind, exercise or cell, verdict), then JSON the learner may have shaped."""
    audit("gan_lab.result", f"{kind} {name} {int_(flag)} " + str_(dumps(payload)))


def describe(err, type_=type, str_=str):
    """``Type: message`` without a traceback."""
    message = str_(err).strip()
    return f"{type_(err).__name__}: {message}" if message else f"{type_(err).__name__}"


def magic_free(source: str) -> str:
    """Jupyter magics and shell escapes (``%matplotlib inline``, ``!pip ...``) become no-ops."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            lines.append(line[: len(line) - len(stripped)] + "pass  # " + stripped[:60].replace("\\", "/"))
        else:
            lines.append(line)
    return "\n".join(lines)


def not_written_here(candidate, isinstance_=isinstance, getattr_=getattr, str_=str, callable_=callable):
    """The module a function or class (or a base class) was imported from, or "" when the notebook defined it."""
    owners = [candidate, *getattr_(candidate, "__mro__", ())[1:]] if isinstance_(candidate, type) else [candidate]
    for owner in owners:
        module = getattr_(owner, "__module__", None)
        if isinstance_(module, str_) and module.split(".")[0] == "gan_lab":
            return module
    module = getattr_(candidate, "__module__", "__main__")
    return module if isinstance_(module, str_) and module != "__main__" and callable_(candidate) else ""


def warm_up() -> None:
    """Let torch and hypothesis set themselves up now, before the snapshot and the audit hook, as they do on first use.

    Creating an optimizer replaces its class's ``step`` by a hooked one, and the first step imports
    ``torch._dynamo``, which wraps ``torch.manual_seed``: done later by honest learner code, these would
    read as tampering. Hypothesis's first search registers a ``Random`` of its own and asks
    ``gc.get_referrers`` about it, which the hook refuses: the first example of a check's sweep would fail
    and its replay pass, and hypothesis would call the learner's correct code flaky. Matplotlib builds its
    font list on first use, in the sandbox's empty config folder, and starts a timer thread to warn if that
    is slow: a lesson's live training grid would stop on "threads are not allowed", so the list is built here.
    """
    try:
        import matplotlib.font_manager  # noqa: F401  (importing it builds the font list)
    except ImportError:  # a course without plots
        pass
    if "hypothesis" in sys.modules:
        from hypothesis.internal.entropy import deterministic_PRNG

        with deterministic_PRNG():
            pass
    if "torch" not in sys.modules:
        return
    import torch
    import torch._dynamo
    import torch.optim

    params = [torch.nn.Parameter(torch.zeros(2, 2))]
    for name in dir(torch.optim):
        optimizer = getattr(torch.optim, name)
        if isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
            try:
                optimizer(params)
            except Exception:
                pass


def on_alarm(signum, frame):
    raise CellTimeout()


def guarded(
    fn,
    args,
    kwargs,
    seconds,
    out,
    sys_=sys,
    setitimer=signal.setitimer,
    handler=signal.signal,
    mask=signal.pthread_sigmask,
    alarm=on_alarm,
    timeout=CellTimeout,
    describe=describe,
    everything=tuple(signal.Signals),
    sigalrm=signal.SIGALRM,
    real=signal.ITIMER_REAL,
    block=signal.SIG_BLOCK,
    unblock=signal.SIG_UNBLOCK,
):
    """Run ``fn(*args, **kwargs)`` with output captured and an alarm; the error it ended with, or None."""
    stdout, stderr = sys_.stdout, sys_.stderr
    sys_.stdout = sys_.stderr = out
    handler(sigalrm, alarm)
    setitimer(real, seconds)
    mask(unblock, (sigalrm,))
    try:
        fn(*args, **kwargs)
        return None
    except timeout:
        return f"stopped after {seconds:g} s (time limit)"
    except BaseException as err:
        return describe(err)
    finally:
        setitimer(real, 0)
        mask(block, everything)
        sys_.stdout, sys_.stderr = stdout, stderr


def main(
    report=report,
    snapshot=snapshot,
    changed=changed,
    guarded=guarded,
    magic_free=magic_free,
    not_written_here=not_written_here,
    exec_=exec,
    compile_=compile,
    tuple_=tuple,
    dict_=dict,
    Capped=Capped,
    describe=describe,
    sys=sys,
    len=len,
) -> int:
    job = json.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    os.close(0)
    os.open(os.devnull, os.O_RDONLY)  # fd 0 again, empty: input() gets EOF
    import importlib

    checks = importlib.import_module("gan_lab.checks")
    run_check = dict_((name, checks.EXERCISES[name]) for name in job["exercises"])  # imports the lesson module
    for name in job.get("preload", ()):
        importlib.import_module(name)
    warm_up()
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no other process may read this memory
    except (OSError, AttributeError):
        pass
    threads = _thread._count  # live Python threads besides this one (a C counter: learner code cannot reset it)
    for owner, name in ((_thread, "start_new_thread"), (_thread, "start_new"), (threading, "_start_new_thread")):
        setattr(owner, name, no_threads)  # a thread could patch a library while a check runs, then restore it
    cells = tuple_(tuple_(sorted(cell.items())) for cell in job["cells"])
    limits = (job["cell_timeout"], job["check_timeout"], job["output_limit"])
    saved = (tuple_(sys.path), tuple_(sys.meta_path), tuple_(sys.path_hooks), tuple_(sys.modules.items()))
    check_of = tuple_(run_check.items())
    main_module = types.ModuleType("__main__")
    main_module.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main_module
    namespace = main_module.__dict__
    before = snapshot()
    signal.pthread_sigmask(signal.SIG_BLOCK, tuple(signal.Signals))
    mine = [v for v in globals().values() if callable(v)] + [*main.__defaults__]
    protected = frozenset([mark[0] for _, mark in before] + [id(v) for v in mine])
    # the checks' runtime watch (a profile hook while a check runs) is the one profiler allowed
    profiler = frozenset({importlib.import_module("gan_lab.checks._provenance").watching.__wrapped__.__code__})
    sys.addaudithook(
        make_hook(job.pop("result_fd"), job.pop("nonce"), report.__code__, sys._getframe(0).f_code, protected, profiler)
    )
    del job, run_check
    report("ready", "-", True, {})
    for cell in cells:
        cell = dict_(cell)
        out = Capped(limits[2])
        exercise = cell.get("exercise")
        if exercise is None:
            code = magic_free(cell["source"])
            try:
                compiled = compile_(code, f"<cell {cell['index']}>", "exec")
            except SyntaxError as err:
                report("cell", cell["index"], False, {"output": "", "error": describe(err)})
                continue
            error = guarded(exec_, (compiled, namespace), {}, limits[0], out)
            report("cell", cell["index"], error is None, {"output": out.text(), "error": error})
            continue
        sys.path[:], sys.meta_path[:], sys.path_hooks[:] = saved[0], saved[1], saved[2]
        for name, module in saved[3]:
            sys.modules[name] = module
        sys.path_importer_cache.clear()
        broken = changed(before, snapshot())
        broken += ["a thread your code started (still running)"] if threads() else []
        check = dict_(check_of)[exercise]
        candidate = namespace.get(exercise)
        if broken:
            shown = ", ".join(broken[:3]) + (f" and {len(broken) - 3} more" if len(broken) > 3 else "")
            error = (
                f"your code replaced {shown} before this check: the checks do not run in a patched "
                "interpreter. Fix: remove the lines that assign to library, builtin or checks objects"
            )
        elif exercise not in namespace:
            error = f"`{exercise}` is not defined: its cell did not run without errors (or was renamed)"
        elif not_written_here(candidate):
            error = f"`{exercise}` comes from {not_written_here(candidate)}, not from your notebook: write your own"
        else:
            error = guarded(check, (candidate,), {}, limits[1], out)
            if error is None:
                error = guarded(check, (candidate,), {"hidden": True}, limits[1], out)
            broken = changed(before, snapshot()) + (["a thread"] if threads() else [])
            if broken and error is None:
                error = f"the check's world was changed while it ran ({', '.join(broken[:3])}): not credited"
        report("check", exercise, error is None, {"index": cell["index"], "message": error or "", "output": out.text()})
    report("done", "-", True, {})
    return 0


if __name__ == "__main__":
    sys.exit(main())
