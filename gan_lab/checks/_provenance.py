"""No credit for the reference: a check refuses code that comes from gan_lab or from an installed package.

An exercise earns its points only for code the learner wrote. Three layers of evidence, each cheap:

1. *Where the candidate was defined.* A function's code object names its file (``co_filename``); a class
   names its module. Files under the gan_lab package or under an installed-library directory
   (site-packages, the standard library) are library code; builtins (``torch.randn``) have no Python code
   at all. Decorators are looked through (``__wrapped__``, ``functools.partial``), so ``@torch.no_grad()``
   on a learner's function is fine while ``torch.no_grad()(gan_lab.train.d_step)`` is not. A class whose
   bases include a gan_lab class is the reference, whatever it overrides.
2. *What the candidate's code refers to.* A thin wrapper defined in the notebook
   (``def d_step(*a): return gan_lab.train.d_step(*a)``) is still the reference: the names its code
   objects load (``co_names``, nested functions, closure cells, defaults), resolved through its globals and
   through attribute chains on gan_lab modules, are searched for gan_lab's implementation of *the same
   exercise*, following the learner's own helper functions a few levels deep. Using gan_lab code that the
   lesson provides for *another* exercise stays allowed (lesson 3's ``d_step`` may call
   ``gan_lab.losses.discriminator_loss``; its ``train_step`` may call ``gan_lab.train.d_step``).
3. *What runs.* While a check runs, a profile hook (``sys.setprofile``) watches for a call into gan_lab's
   implementation of the exercise, however it was reached (``getattr(importlib.import_module(...), ...)``).

Implementations are recognised by name: a gan_lab function or class (outside ``gan_lab.checks``) whose
qualified name starts with the exercise's name, or with one of ``ALIASES[exercise]``. Nothing of gan_lab is
imported here, so the layer rule holds (checks import no training, evaluation or command code).
"""

from __future__ import annotations

import functools
import inspect
import site
import sys
import sysconfig
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gan_lab.checks._guard import fail

GAN_LAB_DIR = Path(__file__).resolve().parents[1]
CHECKS_DIR = Path(__file__).resolve().parent

# gan_lab's implementation of an exercise under another name (the exercise's own name always counts)
ALIASES: dict[str, tuple[str, ...]] = {
    "sample_z": ("sample_noise",),
    "scale_images": ("_to_tensor",),
    "discriminator_loss_smoothed": ("discriminator_loss",),
    "generator_loss_saturating": ("generator_loss",),
    "generator_loss_non_saturating": ("generator_loss",),
    "train_step": ("train",),
    "init_weights": ("dcgan_init",),
    "fixed_noise": ("sample_noise",),
    "build_dcgan": ("build_models",),
    "to_unit_cpu": ("to_unit",),
    "jsd": ("js_divergence",),
    "value_at_optimum": ("virtual_training_criterion", "value_function"),
    "feature_statistics": ("mean_and_covariance",),
    "frechet_distance": ("fid_from_features",),
    "critic_loss": ("wasserstein_critic_loss", "family_discriminator_loss"),
    "generator_loss": ("wasserstein_generator_loss", "family_generator_loss", "generator_objective"),
    "train_wgan_gp": ("train_lab2d",),
    "train_cgan": ("train",),
}

# exercises whose check runs for minutes (in-notebook training): the runtime watch costs about 10% of the
# time of Python-heavy code, so these keep the static checks (1 and 2) only
UNWATCHED: set[str] = {"train_wgan_gp", "train_cgan"}


def _library_dirs() -> tuple[Path, ...]:
    dirs = {sysconfig.get_paths().get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs.update(site.getsitepackages() if hasattr(site, "getsitepackages") else [])
    dirs.add(getattr(site, "USER_SITE", None))
    return tuple(Path(d).resolve() for d in dirs if d)


LIBRARY_DIRS = _library_dirs()


@functools.cache
def _where(filename: str) -> str | None:
    """'gan_lab' for gan_lab's own files (not the checks), 'library' for installed packages, else None."""
    if not filename or filename.startswith("<"):  # '<ipython-input-..>', '<string>', compiled cells
        return None
    path = Path(filename).resolve()
    if path.is_relative_to(CHECKS_DIR):
        return None
    if path.is_relative_to(GAN_LAB_DIR):
        return "gan_lab"
    if any(path.is_relative_to(d) for d in LIBRARY_DIRS):
        return "library"
    return None


def _unwrap(obj: object) -> object:
    """Look through decorators, partials, bound and static methods to the function that does the work."""
    for _ in range(20):
        if isinstance(obj, functools.partial):
            obj = obj.func
        elif isinstance(obj, (types.MethodType, staticmethod, classmethod)):
            obj = obj.__func__
        elif getattr(obj, "__wrapped__", None) is not None and not inspect.isclass(obj):
            obj = obj.__wrapped__
        else:
            return obj
    return obj


def _class_where(cls: type) -> str | None:
    """Judged by the files of the class's own methods; a class without any, by its module."""
    module = cls.__module__ or ""
    if module.startswith("gan_lab.") and not module.startswith("gan_lab.checks"):
        return "gan_lab"
    files = [f.__code__.co_filename for value in vars(cls).values() for f in [_unwrap(value)] if inspect.isfunction(f)]
    if files:
        places = {_where(f) for f in files}
        return "gan_lab" if "gan_lab" in places else ("library" if places == {"library"} else None)
    if module == "__main__":  # notebook code (and a script run by the grader)
        return None
    filename = getattr(sys.modules.get(module), "__file__", None)
    return _where(filename) if filename else ("library" if module == "builtins" else None)


def origin(obj: object) -> str | None:
    """'gan_lab' or 'library' when ``obj`` (function or class) was not written by the learner, else None."""
    obj = _unwrap(obj)
    if inspect.isclass(obj):
        return _class_where(obj)
    code = getattr(obj, "__code__", None)
    if code is not None:
        return _where(code.co_filename)
    if callable(obj) and not inspect.isroutine(obj):  # an instance with __call__: judge its class
        return _class_where(type(obj))
    return "library"  # builtins and C functions: torch.randn, np.cov, ...


def _reference_names(exercise: str) -> tuple[str, ...]:
    return (exercise, *ALIASES.get(exercise, ()))


def is_reference(obj: object, exercise: str) -> bool:
    """Whether ``obj`` is gan_lab's implementation of ``exercise`` (or of a class's method of that name)."""
    obj = _unwrap(obj)
    name = getattr(obj, "__qualname__", None)
    if not isinstance(name, str) or origin(obj) != "gan_lab":
        return False
    return name.split(".")[0] in _reference_names(exercise)


def _describe(obj: object) -> str:
    obj = _unwrap(obj)
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', type(obj).__name__)}"


def _codes(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _referenced(fn: types.FunctionType) -> list[object]:
    """Every object the function's code can load by name: globals, attribute chains on modules, closures."""
    names = {name for code in _codes(fn.__code__) for name in code.co_names}
    scope = fn.__globals__
    found = [scope[name] for name in names if name in scope]
    for cell in fn.__closure__ or ():
        try:
            found.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    found += list(fn.__defaults__ or ()) + list((fn.__kwdefaults__ or {}).values())
    seen = {id(v) for v in found}
    modules = [m for m in found if _is_gan_lab_module(m)]
    while modules:  # gan_lab.losses.discriminator_loss: follow attribute names through gan_lab's modules
        module = modules.pop()
        for name in names:
            value = getattr(module, name, None)
            if value is not None and id(value) not in seen:
                seen.add(id(value))
                found.append(value)
                if _is_gan_lab_module(value):
                    modules.append(value)
    return found


def _is_gan_lab_module(obj: object) -> bool:
    return inspect.ismodule(obj) and (obj.__name__ == "gan_lab" or obj.__name__.startswith("gan_lab."))


def _functions_of(obj: object) -> list[types.FunctionType]:
    obj = _unwrap(obj)
    if inspect.isfunction(obj):
        return [obj]
    if inspect.isclass(obj):
        return [f for value in vars(obj).values() for f in [_unwrap(value)] if inspect.isfunction(f)]
    return []


def wrapped_reference(obj: object, exercise: str, depth: int = 4) -> object | None:
    """gan_lab's implementation of ``exercise`` that the learner's code refers to, if any."""
    seen: set[int] = set()
    todo = [(obj, 0)]
    while todo:
        current, level = todo.pop()
        for fn in _functions_of(current):
            if id(fn) in seen:
                continue
            seen.add(id(fn))
            for value in _referenced(fn):
                if is_reference(value, exercise):
                    return value
                if level < depth and origin(value) is None and (inspect.isfunction(value) or inspect.isclass(value)):
                    todo.append((value, level + 1))
    return None


def _refuse(exercise: str, what: str) -> AssertionError:
    return fail(
        exercise,
        f"write your own: {what}, which earns no credit",
        f"implement {exercise} yourself in the notebook (delete the import); gan_lab's code is there to compare "
        "with after you have written yours",
    )


def reject_reference(exercise: str, candidate: object) -> None:
    """Raise the 'write your own' hint when the candidate is, subclasses or wraps library code."""
    where = origin(candidate)
    if where == "gan_lab":
        raise _refuse(exercise, f"{_describe(candidate)} is gan_lab's reference implementation")
    if where == "library":
        raise _refuse(exercise, f"{_describe(candidate)} comes from an installed package, not from your notebook")
    target = _unwrap(candidate)
    if inspect.isclass(target):
        for base in target.__mro__[1:]:
            if _class_where(base) == "gan_lab":
                raise _refuse(exercise, f"it subclasses gan_lab's reference {_describe(base)}")
    wrapped = wrapped_reference(candidate, exercise)
    if wrapped is not None:
        raise _refuse(exercise, f"it calls gan_lab's reference implementation {_describe(wrapped)}")


def reject_library_modules(exercise: str, module: object) -> None:
    """A learner's network must be built from torch layers and the learner's own modules, not gan_lab's."""
    for sub in getattr(module, "modules", lambda: [])():
        if _class_where(type(sub)) == "gan_lab":
            raise _refuse(exercise, f"it contains gan_lab's {_describe(type(sub))}")


@contextmanager
def watching(exercise: str) -> Iterator[None]:
    """Fail the check if gan_lab's implementation of the exercise runs while it is being checked."""
    names = _reference_names(exercise)
    hits: list[str] = []

    def hook(frame: types.FrameType, event: str, arg: object) -> None:
        if event == "call" and not hits:
            code = frame.f_code
            qualname = getattr(code, "co_qualname", code.co_name)  # co_qualname: Python 3.11+
            if qualname.split(".")[0] in names and _where(code.co_filename) == "gan_lab":
                hits.append(f"{frame.f_globals.get('__name__', '?')}.{qualname}")

    previous = sys.getprofile()
    if previous is not None or exercise in UNWATCHED:  # a profiler is attached, or a long check: static checks only
        yield
        return
    sys.setprofile(hook)
    try:
        yield
    finally:
        sys.setprofile(None)
        if hits:
            raise _refuse(exercise, f"your code ran gan_lab's reference implementation {hits[0]}")
