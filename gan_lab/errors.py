"""User-facing errors: one line saying what was expected and what came, and the checks that raise them.

The bottom of the package: it imports neither torch nor numpy (a tensor or an array is recognised only if
its library is already loaded), so that modules which need neither, such as ``gan_lab.theory``, stay
importable where loading torch is not allowed (the grading sandbox of the numpy-only lessons).
"""

from __future__ import annotations

import argparse
import operator
import sys
from pathlib import Path
from typing import NoReturn


class GanLabError(ValueError):
    """A user-facing error in one line saying what was expected and what came; the command line prints it
    and exits with status 2. A ``ValueError``, so code that guards a call with ``except ValueError`` sees it."""


class GanLabTypeError(GanLabError, TypeError):
    """A :class:`GanLabError` about the kind of a value (not a tensor, an integer dtype): a ``TypeError`` too."""


def first_line(err: BaseException) -> str:
    """The first line of an exception's message for a one-line error, or its type when the message is empty."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def describe(value: object) -> str:
    """A value as an error message names it: ``a tensor (4, 1) torch.int64 on cpu``, ``a list``, ``3.5``."""
    torch, np = sys.modules.get("torch"), sys.modules.get("numpy")  # a value of a library not loaded is none of its
    if torch is not None and isinstance(value, torch.Tensor):
        return f"a tensor {tuple(value.shape)} {value.dtype} on {value.device}"
    if np is not None and isinstance(value, np.ndarray):
        return f"a numpy array {value.shape} {value.dtype}"
    if isinstance(value, (bool, int, float, str)) or value is None:
        return repr(value)
    return f"a {type(value).__name__}"


def expect_int(name: str, value: object, minimum: int = 1) -> int:
    """``value`` as an int (numpy integers too, never a bool or a float), at least ``minimum``."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = operator.index(value)
    except TypeError:
        raise GanLabTypeError(f"expected {name} as an integer >= {minimum}, got {describe(value)}") from None
    if number < minimum:
        raise GanLabError(f"expected {name} >= {minimum}, got {number}")
    return number


def expect_suffix(flag: str, path: str | Path, suffix: str) -> None:
    """A command's output file must have the suffix of what is written into it (``.png``, ``.json`` ...)."""
    if Path(path).suffix.lower() != suffix:
        raise GanLabError(f"{flag} must be a {suffix} file (that is what it writes), got {str(path)!r}")


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a malformed command line gets one line on stderr (not the whole usage) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
