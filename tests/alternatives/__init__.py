"""The catalog of correct alternatives: one unusual-but-correct way to write an exercise per file.

Every file defines ``EXERCISE`` (a key of ``gan_lab.checks.EXERCISES``), a docstring saying what is unusual
about it, and the correct function or class under the exercise's name. ``tests/test_alternatives.py``
runs each through its check, visible and hidden cases: no check may reject correct code.
"""

import importlib.util
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def catalog() -> dict[str, ModuleType]:
    """Every alternative file, loaded as a module: name -> module."""
    alternatives = {}
    for path in sorted(HERE.glob("l[0-9]_*.py")):
        spec = importlib.util.spec_from_file_location(f"alternative_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        alternatives[path.stem] = module
    return alternatives
