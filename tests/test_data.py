"""The shipped sample, its splits, scaling, resizing, batching, and the offline/online paths."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gan_lab import data
from gan_lab.runtime import GanLabError


def test_sample_is_real_mnist_5000_balanced() -> None:
    images, labels = data.load_sample_uint8("all")
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert np.array_equal(np.bincount(labels, minlength=10), np.full(10, 500))
    # MNIST digits: centred in a 20x20 box, so the 4-pixel border is (almost) always black
    assert images[:, :2, :].mean() < 0.5 and images[:, 8:20, 8:20].mean() > 50 and images.max() == 255
    assert data.SAMPLE_PATH.stat().st_size < 1.5e6
    assert (data.SAMPLE_PATH.parent / "LICENSE-MNIST.md").read_text().count("CC BY-SA 3.0") >= 1


def test_splits_are_disjoint_and_balanced() -> None:
    train_x, train_y = data.load_sample_uint8("train")
    held_x, held_y = data.load_sample_uint8("heldout")
    assert len(train_y) == 4000 and len(held_y) == 1000
    assert np.array_equal(np.bincount(held_y, minlength=10), np.full(10, 100))
    train_hashes = {hashlib.sha1(x.tobytes()).hexdigest() for x in train_x}
    assert not any(hashlib.sha1(x.tobytes()).hexdigest() in train_hashes for x in held_x)


def test_unknown_split_and_dataset() -> None:
    with pytest.raises(GanLabError, match="expected one of train, heldout, all"):
        data.load_sample_uint8("test")
    with pytest.raises(GanLabError, match="expected one of auto, mnist, fashion-mnist, sample"):
        data.load_dataset("cifar10")


def test_scaled_to_minus_one_one() -> None:
    ds = data.load_dataset("sample", 28)
    assert ds.images.shape == (4000, 1, 28, 28) and ds.images.dtype == torch.float32
    assert ds.images.min().item() == -1.0 and ds.images.max().item() == 1.0
    assert ds.labels.shape == (4000,) and "sample" in ds.description and "4000 images at 28x28" in ds.description


def test_resize_to_64_is_antialiased_bilinear() -> None:
    ds = data.load_dataset("sample", 64, max_samples=10)
    assert ds.images.shape == (10, 1, 64, 64)
    assert ds.images.min() >= -1 and ds.images.max() <= 1
    images, _ = data.load_sample_uint8("train")
    raw = torch.from_numpy(images[np.random.default_rng(0).permutation(len(images))[:10]]).float().unsqueeze(1) / 255
    expected = F.interpolate(raw, size=(64, 64), mode="bilinear", antialias=True, align_corners=False) * 2 - 1
    assert torch.allclose(ds.images, expected.clamp(-1, 1), atol=1e-6)


def test_max_samples_is_a_fixed_subset_of_every_class() -> None:
    a, b = data.load_dataset("sample", 28, max_samples=300), data.load_dataset("sample", 28, max_samples=300)
    assert len(a) == 300 and torch.equal(a.images, b.images)
    counts = torch.bincount(a.labels, minlength=10)
    assert counts.min() >= 15, counts  # the first 300 in file order would all be zeros


def test_batches_are_a_permutation_and_drop_the_last_partial_batch() -> None:
    images = torch.arange(10.0).view(10, 1, 1, 1)
    got = list(data.batches(images, 3, torch.Generator().manual_seed(0)))
    assert [b.shape[0] for b in got] == [3, 3, 3]
    values = torch.cat(got).flatten()
    assert len(set(values.tolist())) == 9
    again = list(data.batches(images, 3, torch.Generator().manual_seed(0)))
    assert all(torch.equal(a, b) for a, b in zip(got, again))
    with pytest.raises(GanLabError, match="fewer than one batch"):
        next(data.batches(images, 11, torch.Generator()))


def test_auto_falls_back_to_the_sample_and_says_why(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    def offline(name, data_dir, download, train):
        if download:
            raise OSError("[Errno -3] Temporary failure in name resolution")
        raise RuntimeError("Dataset not found. You can use download=True to download it")

    monkeypatch.setattr(data, "_torchvision_uint8", offline)
    ds = data.load_dataset("auto", 28, tmp_path, max_samples=64)
    assert "sample" in ds.description and "could not download mnist" in ds.description
    assert "\n" not in ds.description
    with pytest.raises(GanLabError, match="could not download mnist.*use --dataset sample"):
        data.load_dataset("mnist", 28, tmp_path)


def test_auto_uses_full_mnist_when_present(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    fake = (np.zeros((70, 28, 28), np.uint8), np.arange(70) % 10)
    monkeypatch.setattr(data, "_torchvision_uint8", lambda *a, **k: fake)
    ds = data.load_dataset("auto", 28, tmp_path)
    assert len(ds) == 70 and ds.description.startswith("full MNIST")


def test_corrupt_download_is_a_one_line_error(tmp_path) -> None:
    """Real torchvision on a real (truncated) file: the user is told what to delete."""
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ):
        (raw / name).write_bytes(b"\x00\x00\x08\x03garbage")
    with pytest.raises(GanLabError) as err:
        data.load_dataset("mnist", 28, tmp_path)
    message = str(err.value)
    assert "\n" not in message and "missing or corrupt" in message and "delete" in message


def test_a_failure_with_an_empty_message_is_still_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fails_silently(*args: object, **kwargs: object) -> None:
        raise RuntimeError()  # some library errors carry no message at all

    monkeypatch.setattr(data, "_torchvision_uint8", fails_silently)
    with pytest.raises(GanLabError, match=r"missing or corrupt \(RuntimeError\)"):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_exclude_sample_leaves_the_sample_itself_alone(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    assert len(data.load_dataset("sample", 28, exclude_sample=True)) == 4000
    # a stand-in "full MNIST" holding two sample digits and one other: only the other survives
    sample_x, sample_y = data.load_sample_uint8("all")
    other = np.full((1, 28, 28), 7, np.uint8)
    fake = (np.concatenate([sample_x[:2], other]), np.array([sample_y[0], sample_y[1], 3]))
    monkeypatch.setattr(data, "_torchvision_uint8", lambda *a, **k: fake)
    ds = data.load_dataset("mnist", 28, tmp_path, exclude_sample=True)
    assert len(ds) == 1 and ds.labels.tolist() == [3] and "without the 2 digits of the shipped sample" in ds.description
