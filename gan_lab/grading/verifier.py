"""The program that scores one submission, run by ``sandbox.py`` inside the sandbox as ``python -I verifier.py``.

It never trusts the notebook kernel: it starts a fresh interpreter, imports the checks and every library
they use *before* any learner code, snapshots them, then executes the learner's code cells (their source
only; the instructor's locked cells replace the learner's copies and grade cells are never executed) and,
at each grade cell's place, calls ``gan_lab.checks.EXERCISES[exercise]`` itself on the object the learner
defined. Learner code cannot bend that call:

- a reassigned check, a replaced ``importlib.reload``, an IPython input transformer, a fake ``gan_lab/``
  beside the notebook: the check functions were fetched before learner code ran, and no IPython is involved;
- a patched library (numpy, torch, scipy, builtins, the guard's state...): every module loaded before
  learner code is snapshotted (its functions and classes, their code; the checks' containers) and a check
  whose world changed scores 0 with a message naming what changed;
- printing or writing a fake verdict: results go to a pipe as JSON lines carrying a nonce that
  the grader passed on stdin, read (and stdin closed) before learner code runs; an audit hook refuses what
  would find the nonce (frames, ``gc`` object walks, ``ctypes``, ``settrace``, ``/proc/*/mem``), and the
  process is not dumpable, so another process cannot read its memory.

Residual risk, stated: code running in the same interpreter as a check could in principle still reach it
(e.g. a signal handler receives the frame it interrupts); the sandbox bounds the damage to this learner's
own grade. Only the standard library is imported at module level: the checks come from the read-only
course copy named in the job.
"""

from __future__ import annotations

import builtins
import json
import os
import signal
import sys
import types

FRAME_ATTRS = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})
REFUSED = frozenset(
    {"sys._getframe", "sys._current_frames", "sys.settrace", "sys.setprofile", "gc.get_objects"}
    | {"gc.get_referrers", "gc.get_referents", "sys.addaudithook", "_thread.start_new_thread"}
    | {"os.fork", "os.forkpty", "os.system", "os.exec", "os.posix_spawn", "subprocess.Popen", "os.kill"}
    | {"os.killpg", "signal.pthread_kill", "os.spawn"}
)
WATCHED_PACKAGES = ("gan_lab",)  # containers in these modules are compared item by item (the guard's state)


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


def _fingerprint(value: object) -> tuple:
    """What must not change about a trusted object: its identity and, for a function, its code and defaults."""
    code = getattr(value, "__code__", None) if isinstance(value, types.FunctionType) else None
    if code is None:
        return (id(value),)
    cells = tuple(id(c.cell_contents) if _filled(c) else None for c in value.__closure__ or ())
    return (id(value), id(code), id(value.__defaults__), id(value.__kwdefaults__), cells)


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018  (an empty cell raises)
    except ValueError:
        return False
    return True


def _trusted(value: object) -> bool:
    return callable(value) or isinstance(value, types.ModuleType)


def snapshot() -> dict[str, tuple]:
    """Every loaded module's functions, classes and submodules (and their class dicts) as fingerprints."""
    marks: dict[str, tuple] = {}
    for name, module in list(sys.modules.items()):
        if not isinstance(module, types.ModuleType) or name == "__main__":
            continue
        deep = name.split(".")[0] in WATCHED_PACKAGES
        marks[f"sys.modules[{name}]"] = (id(module),)
        for key, value in list(vars(module).items()):
            if _trusted(value):
                marks[f"{name}.{key}"] = _fingerprint(value)
            elif deep and isinstance(value, (dict, list, set, tuple)):
                items = value.items() if isinstance(value, dict) else enumerate(value)
                marks[f"{name}.{key}"] = (id(value), tuple((repr(k), id(v)) for k, v in items))
            if isinstance(value, type) and getattr(value, "__module__", None) == name:
                for attr, member in list(vars(value).items()):
                    if _trusted(member):
                        marks[f"{name}.{key}.{attr}"] = _fingerprint(member)
    return marks


def changed(before: dict[str, tuple], now: dict[str, tuple]) -> list[str]:
    """Names whose fingerprint differs (or that vanished): what learner code replaced."""
    return [name for name, mark in before.items() if now.get(name) != mark]


def audit_hook(event: str, args: tuple) -> None:
    """Refuse, in learner code and after it, what would reach the verifier's state (see the module docstring)."""
    refused = event in REFUSED or event.startswith("ctypes.")
    refused |= event == "object.__getattr__" and args[1] in FRAME_ATTRS
    if event in ("object.__setattr__", "object.__delattr__") and isinstance(args[0], type):
        refused |= getattr(args[0], "__module__", "__main__") != "__main__"  # a library's class, e.g. torch.Tensor
    if event == "open" and isinstance(args[0], (str, bytes)):
        base = os.path.basename(os.fsdecode(args[0]))
        refused |= base in ("mem", "pagemap", "environ") or "/proc/" in os.fsdecode(args[0]) and base == "maps"
    if refused:
        raise PermissionError(f"{event} is not allowed while grading")


def not_written_here(candidate: object) -> str:
    """The module a function or class (or a base class) was imported from, or "" when the notebook defined it."""
    owners = [candidate, *getattr(candidate, "__mro__", ())[1:]] if isinstance(candidate, type) else [candidate]
    for owner in owners:
        module = getattr(owner, "__module__", None)
        if isinstance(module, str) and module.split(".")[0] == "gan_lab":
            return module
    module = getattr(candidate, "__module__", "__main__")
    return module if isinstance(module, str) and module != "__main__" and callable(candidate) else ""


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


def describe(err: BaseException) -> str:
    """``Type: message`` without a traceback (walking one would need the frames the hook refuses)."""
    message = str(err).strip()
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


def main() -> int:
    job = json.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    os.close(0)
    os.open(os.devnull, os.O_RDONLY)  # fd 0 again, empty: input() gets EOF
    sink = os.fdopen(job["result_fd"], "w", buffering=1)
    nonce, write = job.pop("nonce"), sink.write

    def report(**fields: object) -> None:
        write(json.dumps({"nonce": nonce, **fields}) + "\n")

    sys.path[:0] = [job["lib"]]
    import importlib

    checks = importlib.import_module("gan_lab.checks")
    exercises = job["exercises"]
    run_check = {name: checks.EXERCISES[name] for name in exercises}  # imports the lesson's module now
    for name in job.get("preload", []):
        importlib.import_module(name)
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no other process may read this memory
    except (OSError, AttributeError):
        pass
    saved_path, saved_meta, saved_hooks = list(sys.path), list(sys.meta_path), list(sys.path_hooks)
    saved_modules = dict(sys.modules)
    before = snapshot()
    main_module = types.ModuleType("__main__")
    main_module.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main_module
    namespace = main_module.__dict__
    alarm = signal.signal
    block, unblock = signal.pthread_sigmask, signal.SIG_UNBLOCK

    def on_alarm(signum: int, frame: object) -> None:
        raise CellTimeout()

    def guarded(fn: object, seconds: float, out: Capped) -> str | None:
        """Run ``fn`` with output captured and an alarm; the error it ended with, or None."""
        stdout, stderr = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = out
        alarm(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        block(unblock, {signal.SIGALRM})
        try:
            fn()
            return None
        except CellTimeout:
            return f"stopped after {seconds:g} s (time limit)"
        except BaseException as err:  # noqa: BLE001  (SystemExit, KeyboardInterrupt: the cell's outcome)
            return describe(err)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            block(signal.SIG_BLOCK, set(signal.Signals))
            sys.stdout, sys.stderr = stdout, stderr

    block(signal.SIG_BLOCK, set(signal.Signals))
    sys.addaudithook(audit_hook)
    report(type="ready")
    for cell in job["cells"]:
        out = Capped(job["output_limit"])
        exercise = cell.get("exercise")
        if exercise is None:
            code = magic_free(cell["source"])
            error = guarded(lambda: exec(compile(code, f"<cell {cell['index']}>", "exec"), namespace), job["cell_timeout"], out)
            report(type="cell", index=cell["index"], output=out.text(), error=error)
            continue
        sys.path[:], sys.meta_path[:], sys.path_hooks[:] = saved_path, saved_meta, saved_hooks
        for name, module in saved_modules.items():
            sys.modules[name] = module
        sys.path_importer_cache.clear()
        broken = changed(before, snapshot())
        if broken:
            shown = ", ".join(broken[:3]) + (f" and {len(broken) - 3} more" if len(broken) > 3 else "")
            message = (
                f"your code replaced {shown} before this check: the checks do not run in a patched "
                "interpreter. Fix: remove the lines that assign to library, builtin or checks objects"
            )
            report(type="check", exercise=exercise, index=cell["index"], passed=False, message=message, output="")
            continue
        if exercise not in namespace:
            message = f"`{exercise}` is not defined: its cell did not run without errors (or was renamed)"
            report(type="check", exercise=exercise, index=cell["index"], passed=False, message=message, output="")
            continue
        candidate = namespace[exercise]
        check = run_check[exercise]
        borrowed = not_written_here(candidate)
        if borrowed:
            message = f"`{exercise}` comes from {borrowed}, not from your notebook: write your own"
            report(type="check", exercise=exercise, index=cell["index"], passed=False, message=message, output="")
            continue

        def both() -> None:
            check(candidate)
            check(candidate, hidden=True)

        error = guarded(both, job["check_timeout"], out)
        broken = changed(before, snapshot())
        if broken and error is None:
            error = f"the check's world was changed while it ran ({', '.join(broken[:3])}): not credited"
        report(type="check", exercise=exercise, index=cell["index"], passed=error is None, message=error or "", output=out.text())
    report(type="done")
    sink.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
