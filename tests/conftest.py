"""Shared fixtures. Tests run on the CPU with one torch thread: CI machines have 2 cores, and two
threads fighting another process were measured to be ~70x slower than one (see README)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]
# a one-epoch CPU run on 256 sample digits, 4 batches of 64
SMOKE = "--dataset sample --max-samples 256 --epochs 1 --batch-size 64 --num-threads 1 --device cpu".split()
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", "TQDM_DISABLE": "1"}


def run_cli(*args: str, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line (``python -m gan_lab ...``) in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "gan_lab", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
        cwd=cwd or ROOT,
    )


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-epoch MLP run on 256 sample digits, made through the real command."""
    out = tmp_path_factory.mktemp("tiny") / "run"
    result = run_cli("train", "--model", "mlp", *SMOKE, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out
