"""``benchmarks/gpu_check.sh --dry-run`` on the CPU: every stage runs at tiny sizes and leaves its results."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import ENV, ROOT


def test_gpu_check_dry_run_writes_every_result(tmp_path: Path) -> None:
    out = tmp_path / "gpu"
    result = subprocess.run(
        ["bash", str(ROOT / "benchmarks" / "gpu_check.sh"), "--dry-run", str(out)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    failed = {k: v for k, v in summary["stages"].items() if v["rc"] != 0}
    assert summary["ok"] and not failed, {k: (out / f"{k}.log").read_text()[-1500:] for k in failed}
    assert set(summary["stages"]) >= {"cuda_tests", "bench_plain", "time_to_digits", "evaluate", "lesson05"}
    for name in ("bench_plain.json", "time_to_digits.json", "time_to_digits.png", "evaluation.json"):
        assert (out / name).stat().st_size > 0, name
    assert json.loads((out / "time_to_digits.json").read_text())["steps"] == 4
    assert "c_over_a" in json.loads((out / "bench_plain.json").read_text())["ratios"][0]
    assert (out / "lesson05_executed.ipynb").is_file() and (out / "dcgan" / "checkpoint.pt").is_file()
