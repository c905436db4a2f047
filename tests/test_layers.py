"""The layer rule of README's Layout, enforced by import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the gan_lab package under ``root`` with that root's pyproject.toml."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_keeps_its_layers() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contract_catches_a_model_that_imports_training(tmp_path: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(
        ROOT / "gan_lab", tmp_path / "gan_lab", ignore=shutil.ignore_patterns("*.npz", "*.pt", "__pycache__")
    )
    mlp = tmp_path / "gan_lab" / "models" / "mlp.py"
    mlp.write_text(mlp.read_text() + "\nfrom gan_lab.train import d_step  # a network that knows the loop\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "gan_lab.models.mlp -> gan_lab.train" in result.stdout, result.stdout


def test_readme_layout_has_a_line_for_every_module() -> None:
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") : readme.index("## Development notes")]
    # a module's line is indented by two spaces; its continuation lines by more
    described = {line.split()[0] for line in layout.splitlines() if line.startswith("  ") and line[2] != " "}
    package = ROOT / "gan_lab"
    modules = {p.name for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")}
    modules |= {p.name + "/" for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert modules <= described, f"modules without a line in README's Layout: {sorted(modules - described)}"
    assert described <= modules, f"README's Layout names what does not exist: {sorted(described - modules)}"


def test_no_module_outside_the_checks_is_over_300_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "gan_lab").rglob("*.py")
        if "checks" not in p.parts and (n := len(p.read_text().splitlines())) > 300
    }
    assert not long, f"over 300 lines: {long}"
