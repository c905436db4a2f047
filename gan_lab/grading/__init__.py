"""Instructor commands around nbgrader: ``python -m gan_lab.grading generate|strip|grade`` (``make lessons``/``make grade``).

- ``release``: ``generate`` regenerates ``lessons/`` (what learners get) from ``solutions/`` and never
  destroys a learner's edits (an edited notebook is backed up first); ``strip`` cleans the solutions.
- ``batch``: ``grade`` grades every submission in its own sandbox (``sandbox``) with the checks run by a
  fresh interpreter that learner code cannot bend (``verifier``), reading notebooks as data
  (``submission``), and writes the gradebook, ``grades.csv``, a report and the feedback pages (``feedback``).

This module stays light (the verifier imports ``gan_lab.grading.verifier`` inside the sandbox).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: never a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def grade(root: Path, limits=None, unsafe: bool = False, log=print):
    """Grade every submission under ``root/submitted`` (see ``batch.grade``); returns the Results."""
    from gan_lab.checks import LESSONS
    from gan_lab.grading import batch

    return batch.grade(root, LESSONS, limits=limits, unsafe=unsafe, log=log)


def __getattr__(name: str):
    if name in ("generate", "lessons_in", "strip_notebook"):
        from gan_lab.grading import release

        return getattr(release, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["atomic_text", "generate", "grade", "lessons_in", "strip_notebook"]
