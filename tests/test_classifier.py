"""The committed MNIST classifier: it loads, it matches its JSON record, it never saw the held-out digits."""

from __future__ import annotations

import json

import pytest
import torch

from gan_lab.classifier import (
    RECORD_PATH,
    WEIGHTS_PATH,
    accuracy,
    augment,
    fit_classifier,
    load_classifier,
)
from gan_lab.cli import main
from gan_lab.data import load_dataset
from gan_lab.models.classifier import FEATURE_DIM, MNISTClassifier
from gan_lab.runtime import GanLabError


def test_committed_weights_reach_the_recorded_heldout_accuracy() -> None:
    """Trained on full MNIST without the sample's digits: the sample's held-out digits are unseen too.
    (Its accuracy on MNIST's 10,000 test digits is checked in test_full_mnist.py, where the files are.)"""
    record = json.loads(RECORD_PATH.read_text())
    for key in ("train_data", "heldout_data", "heldout_accuracy", "sample_heldout_accuracy", "command", "seed", "date"):
        assert key in record, key
    assert WEIGHTS_PATH.stat().st_size < 1_000_000, "the committed weights must stay well under 1 MB"
    assert "without the 5000 digits of the shipped sample" in record["train_data"]
    assert "--dataset mnist" in record["command"]
    model = load_classifier()
    heldout = load_dataset("sample", 28, split="heldout")  # the last 100 digits per class: never trained on
    measured = accuracy(model, heldout.images, heldout.labels)
    assert measured >= 0.98
    assert measured == pytest.approx(record["sample_heldout_accuracy"], abs=0.002)


def test_outputs_and_shapes() -> None:
    model = MNISTClassifier().eval()
    x = torch.rand(5, 1, 28, 28) * 2 - 1  # (5, 1, 28, 28) in [-1, 1]
    features, logits = model.features_and_logits(x)
    assert features.shape == (5, FEATURE_DIM) and logits.shape == (5, 10)
    assert torch.allclose(model(x), logits) and (features >= 0).all()  # features are taken after a ReLU


def test_augmentation_keeps_shape_range_and_is_seeded() -> None:
    x = load_dataset("sample", 28, split="train", max_samples=32).images
    a = augment(x, torch.Generator().manual_seed(1))
    b = augment(x, torch.Generator().manual_seed(1))
    assert a.shape == x.shape and torch.equal(a, b)
    assert a.min() >= -1.0 - 1e-6 and a.max() <= 1.0 + 1e-6 and not torch.equal(a, x)


def test_fit_learns_something_quickly() -> None:
    data = load_dataset("sample", 28, split="all")
    idx = torch.arange(0, len(data), 10)  # 500 digits, every class
    model = fit_classifier(data.images[idx], data.labels[idx], epochs=3, batch_size=50, log=lambda _: None)
    assert accuracy(model, data.images[idx], data.labels[idx]) > 0.5  # chance is 0.1


def test_bad_weights_give_one_line_errors(tmp_path, capsys) -> None:
    with pytest.raises(GanLabError, match="no classifier weights"):
        load_classifier(tmp_path / "missing.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a torch file")
    with pytest.raises(GanLabError, match="not a readable gan_lab classifier"):
        load_classifier(bad)
    assert main(["train-classifier", "--epochs", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--epochs" in err


def test_train_classifier_writes_weights_and_record(tmp_path) -> None:
    from gan_lab.commands.train_classifier import TrainClassifierConfig, run

    out = tmp_path / "clf.pt"
    record = run(TrainClassifierConfig(dataset="sample", epochs=1, num_threads=1, out=str(out)))
    assert out.is_file() and json.loads(out.with_suffix(".json").read_text()) == record
    assert "train split" in record["train_data"] and "heldout split" in record["heldout_data"]
    # on the sample, its held-out split is both the held-out set and the sample's held-out digits
    assert record["sample_heldout_accuracy"] == record["heldout_accuracy"] > 0.5
    assert accuracy(load_classifier(out), *_sample_heldout()) == pytest.approx(record["heldout_accuracy"], abs=1e-4)


def _sample_heldout() -> tuple[torch.Tensor, torch.Tensor]:
    ds = load_dataset("sample", 28, split="heldout")
    return ds.images, ds.labels
