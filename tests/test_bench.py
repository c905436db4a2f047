"""Smoke run of the step benchmark harness: every way runs, the IDX files it writes are torchvision's format.

Never a timing: speed is measured by ``make bench``, whose figures go in BENCHMARKS.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from gan_lab.runtime import bf16_native

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import steps  # noqa: E402
import ways  # noqa: E402


def test_idx_files_read_back_through_torchvision(tmp_path: Path) -> None:
    from torchvision import datasets

    from gan_lab.data import load_sample_uint8

    ways.write_idx(tmp_path)
    train = datasets.MNIST(str(tmp_path), train=True, download=False)
    test = datasets.MNIST(str(tmp_path), train=False, download=False)
    images, labels = load_sample_uint8("train")
    assert np.array_equal(train.data.numpy(), images) and np.array_equal(train.targets.numpy(), labels)
    assert len(test) == 1000


def test_each_way_takes_real_training_steps(tmp_path: Path) -> None:
    root = ways.write_idx(tmp_path)
    assert "gan_lab_amp" in ways.ways_on("cpu") or not bf16_native(torch.device("cpu"))
    for way in ways.WAYS:  # gan_lab_amp too: autocast runs on any CPU, emulated where bf16 is not native
        result = steps.measure(way, "mlp", steps=2, warmup=1, device="cpu", idx_root=str(root))
        assert result["way"] == way and result["images_per_s"] > 0 and result["peak_mib"] > 0


def test_harness_prints_ratios(capsys) -> None:
    assert steps.main(["--smoke"]) == 0
    out = capsys.readouterr().out
    assert "c/a" in out and "c/b" in out
    assert all(way in out for way in ways.ways_on("cpu"))


def test_fine_interleaving_times_every_way(tmp_path: Path, capsys) -> None:
    root = ways.write_idx(tmp_path)
    seconds = steps.fine("mlp", rounds=2, chunk=2, device="cpu", idx_root=str(root))
    assert set(seconds) == set(ways.ways_on("cpu")) and all(len(s) == 2 and min(s) > 0 for s in seconds.values())
    report = steps.fine_report("mlp", seconds, chunk=2, gflop=0.017)
    # the run's ratio is the ratio of summed times; each round's ratio is of that round's times
    a, c = seconds["tutorial"], seconds["gan_lab"]
    assert report["gan_lab"]["c_over_a"] == pytest.approx(sum(a) / sum(c))
    assert report["gan_lab"]["per_round"]["tutorial"] == pytest.approx([x / y for x, y in zip(a, c)])
    assert "GFLOP/s" in capsys.readouterr().out
