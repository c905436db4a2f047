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
