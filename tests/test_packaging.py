"""pyproject.toml tells the truth: the Python it claims and the packages gan_lab imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
IMPORT_NAMES = {
    "PIL": "pillow",
    "mathjax": "django-static-mathjax",
}  # the module name where it differs from the distribution's


def test_the_claimed_python_is_the_one_the_code_is_checked_for() -> None:
    # ruff's pyupgrade rules write code for its target (e.g. datetime.UTC, 3.11+): claim no older Python
    floor = re.fullmatch(r">=3\.(\d+)", PYPROJECT["project"]["requires-python"])
    assert floor, PYPROJECT["project"]["requires-python"]
    assert PYPROJECT["tool"]["ruff"]["target-version"] == f"py3{floor.group(1)}"
    assert sys.version_info >= (3, int(floor.group(1)))


def test_every_package_gan_lab_imports_is_declared() -> None:
    declared = {re.split(r"[<>=!~\[ ]", d)[0].lower() for d in PYPROJECT["project"]["dependencies"]}
    for extra in PYPROJECT["project"].get("optional-dependencies", {}).values():
        declared |= {re.split(r"[<>=!~\[ ]", d)[0].lower() for d in extra}
    imported = set()
    for path in (ROOT / "gan_lab").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "gan_lab"}
    missing = sorted(m for m in third_party if IMPORT_NAMES.get(m, m).lower() not in declared)
    assert not missing, f"imported by gan_lab but not declared in pyproject.toml: {missing}"
