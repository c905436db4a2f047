"""What the verifier (``verifier.py``) protects once learner code runs, and how it notices a change.

- ``make_hook``: the audit hook installed before the first learner cell. It holds the nonce and the
  results pipe (reachable from no Python object), writes a result only for ``verifier.report`` called
  by ``verifier.main`` (their code objects, by identity), and refuses what would reach the grader's
  state: changing the code or defaults of a function or class loaded before learner code, ``gc`` object
  walks, ``ctypes``, tracing, new processes, signals to other processes, symbolic links, ``/proc/*/mem``.
- ``snapshot``/``changed``: fingerprints of the watched modules (their functions with code, defaults
  and closures, classes with their methods, and the containers of ``gan_lab``) before and after.
- ``no_threads``: replaces thread creation (Python 3.11 raises no audit event for it).

Every function keeps what it uses in default arguments, bound at import, before learner code: a learner
may later patch the builtins or this module's globals, not a function's defaults (the hook refuses that).
"""

from __future__ import annotations

import os
import pathlib
import sys
import types

REFUSED = frozenset(
    {"sys._current_frames", "sys.settrace", "sys.setprofile", "gc.get_objects", "gc.get_referrers"}
    | {"gc.get_referents", "sys.addaudithook", "_thread.start_new_thread", "os.fork", "os.forkpty"}
    | {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "subprocess.Popen", "os.kill", "os.killpg"}
    | {"signal.pthread_kill", "os.symlink", "os.link", "sys.remote_exec"}
)
SECRET_FILES = frozenset({"mem", "pagemap", "environ"})
# the modules whose state a check's verdict rests on (others, e.g. typing, are legitimately patched by
# libraries a learner may import: typing_extensions rewrites typing's internals)
PLAIN = (str, int, float, bool, type(None))  # container items compared by value, not identity
WATCHED = frozenset(
    {"builtins", "sys", "importlib", "_thread", "threading", "math", "cmath", "random", "operator", "functools"}
    | {"itertools", "collections", "copy", "numbers", "json", "types", "abc", "numpy", "scipy", "torch", "gan_lab"}
    | {"pathlib", "posixpath", "os", "io", "_io"}
)


def fingerprint(value, functype=types.FunctionType, id_=id, tuple_=tuple, valueerror=ValueError, type_=type):
    """What must not change about a trusted object: its identity and, for a function, its code and defaults."""
    if type_(value) is not functype:
        return (id_(value),)
    cells = []
    for cell in value.__closure__ or ():
        try:
            cells.append(id_(cell.cell_contents))
        except valueerror:  # an empty cell
            cells.append(None)
    return (id_(value), id_(value.__code__), id_(value.__defaults__), id_(value.__kwdefaults__), tuple_(cells))


def snapshot(
    modules=sys.modules,
    vars_=vars,
    list_=list,
    tuple_=tuple,
    isinstance_=isinstance,
    callable_=callable,
    moduletype=types.ModuleType,
    typetype=type,
    getattr_=getattr,
    id_=id,
    repr_=repr,
    enumerate_=enumerate,
    fingerprint=fingerprint,
    deep=("gan_lab",),
    watched=WATCHED,
    plain=PLAIN,
    type_=type,
):
    """The watched modules' functions, classes and submodules (and their class dicts), as a tuple."""
    marks = []
    for name, module in list_(modules.items()):
        if not isinstance_(module, moduletype) or name.split(".")[0] not in watched:
            continue
        marks.append((f"sys.modules[{name}]", (id_(module),)))
        watch_containers = name.split(".")[0] in deep  # the guard's state: ORIGINALS, WATCHED...
        for key, value in list_(vars_(module).items()):
            if callable_(value) or isinstance_(value, moduletype):
                marks.append((f"{name}.{key}", fingerprint(value)))
            elif watch_containers and isinstance_(value, (dict, list, set, tuple)):
                items = value.items() if isinstance_(value, dict) else enumerate_(value)
                values = tuple_((repr_(k), v if type_(v) in plain else id_(v)) for k, v in items)
                marks.append((f"{name}.{key}", (id_(value), values)))
            if isinstance_(value, typetype) and getattr_(value, "__module__", None) == name:
                for attr, member in list_(vars_(value).items()):
                    if callable_(member):
                        marks.append((f"{name}.{key}.{attr}", fingerprint(member)))
    return tuple_(marks)


def changed(before, now, dict_=dict):
    """Names whose fingerprint differs (or that vanished): what learner code replaced."""
    after = dict_(now)
    return [name for name, mark in before if after.get(name) != mark]


def make_hook(
    fd,
    nonce,
    report_code,
    main_code,
    protected,
    profiler_codes=frozenset(),
    getframe=sys._getframe,
    write=os.write,
    type_=type,
    str_=str,
    bytes_=bytes,
    int_=int,
    id_=id,
    refused=REFUSED,
    secret=SECRET_FILES,
    fsdecode=os.fsdecode,
    basename=os.path.basename,
    error=PermissionError,
    pathtypes=(pathlib.PosixPath, pathlib.PurePosixPath),
):
    """The audit hook: the only holder of the nonce and the result pipe. It never calls learner code.

    ``protected``: ids of the functions and classes loaded before learner code (libraries, checks, this file).
    ``profiler_codes``: the code objects allowed to set a profile hook (the checks' watch for calls into
    gan_lab's reference implementation); any other caller of ``sys.setprofile`` is refused.
    """

    def hook(event, args):
        if event == "gan_lab.result":
            caller = getframe(1)
            if caller.f_code is report_code and caller.f_back.f_code is main_code and type_(args[0]) is str_:
                write(fd, (nonce + " " + args[0] + "\n").encode())
            return
        deny = event in refused or event[:7] == "ctypes."
        if event == "sys.setprofile":
            deny = getframe(1).f_code not in profiler_codes
        if event in ("object.__setattr__", "object.__delattr__"):  # a function's code or defaults, a class's methods
            deny = id_(args[0]) in protected
        elif event == "open":
            path = args[0]
            if type_(path) in pathtypes:  # pathlib's own classes (watched: their methods cannot be replaced)
                path = str_(path)
            if type_(path) is str_ or type_(path) is bytes_:
                deny = basename(fsdecode(path)) in secret
            else:
                deny = type_(path) is not int_  # an opened fd; no other path-like objects with code behind them
        if deny:
            raise error(f"{event} is not allowed while grading")

    return hook


def no_threads(*args, **kwargs):
    """Replaces thread creation while grading (Python 3.11 has no audit event for it)."""
    raise PermissionError("threads are not allowed while grading")
