"""Smoke run of the step benchmark harness: every way runs, the IDX files it writes are torchvision's format.

Never a timing: speed is measured by ``make bench``, whose figures go in BENCHMARKS.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import steps  # noqa: E402


def test_idx_files_read_back_through_torchvision(tmp_path: Path) -> None:
    from torchvision import datasets

    from gan_lab.data import load_sample_uint8

    steps.write_idx(tmp_path)
    train = datasets.MNIST(str(tmp_path), train=True, download=False)
    test = datasets.MNIST(str(tmp_path), train=False, download=False)
    images, labels = load_sample_uint8("train")
    assert np.array_equal(train.data.numpy(), images) and np.array_equal(train.targets.numpy(), labels)
    assert len(test) == 1000


def test_each_way_takes_real_training_steps(tmp_path: Path) -> None:
    root = steps.write_idx(tmp_path)
    for way in steps.WAYS:
        result = steps.measure(way, "mlp", steps=2, warmup=1, device="cpu", idx_root=str(root))
        assert result["way"] == way and result["images_per_s"] > 0 and result["peak_mib"] > 0


def test_harness_prints_ratios(capsys) -> None:
    assert steps.main(["--smoke"]) == 0
    out = capsys.readouterr().out
    assert "c/a" in out and "c/b" in out
    assert all(way in out for way in steps.WAYS)


def test_fine_interleaving_times_every_way(tmp_path: Path) -> None:
    root = steps.write_idx(tmp_path)
    ips = steps.fine("mlp", rounds=1, chunk=2, device="cpu", idx_root=str(root))
    assert set(ips) == set(steps.WAYS) and all(v > 0 for v in ips.values())
