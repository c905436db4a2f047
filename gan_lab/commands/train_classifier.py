"""``gan-lab train-classifier``: train the digit classifier the metrics use (see ``gan_lab.classifier``)."""

from __future__ import annotations

import datetime
import json
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from gan_lab.classifier import WEIGHTS_PATH, accuracy, fit_classifier
from gan_lab.config import DataOptions
from gan_lab.data import load_dataset
from gan_lab.runtime import GanLabError, atomic_write, atomic_write_text, expect_suffix

CLASSIFIER_DATASETS = ("auto", "mnist", "sample")


@dataclass
class TrainClassifierConfig(DataOptions):
    """Train the MNIST classifier whose features and logits the evaluation metrics use."""

    dataset: str = field(
        default="auto",
        metadata={
            "help": "mnist: full MNIST's training digits minus the shipped sample's 5,000 (so the sample's held-out "
            "digits stay unseen), scored on its 10,000 test digits; sample: the sample's train split; "
            "auto: mnist if available, else sample",
            "choices": CLASSIFIER_DATASETS,
        },
    )
    epochs: int = field(default=40, metadata={"help": "passes over the training digits"})
    batch_size: int = field(default=128, metadata={"help": "digits per step"})
    lr: float = field(default=2e-3, metadata={"help": "Adam learning rate (decayed to 0 by a cosine schedule)"})
    augment: bool = field(default=True, metadata={"help": "random small rotations, scalings, shears and shifts"})
    seed: int = field(default=0, metadata={"help": "seeds initial weights, data order and augmentation"})
    out: str = field(
        default="",
        metadata={"help": "weights file to write (default: the package's gan_lab/weights/mnist_classifier.pt)"},
    )


def run(cfg: TrainClassifierConfig) -> dict:
    """Train, measure held-out accuracy, write the weights and a JSON record beside them."""
    for name in ("epochs", "batch_size"):
        if getattr(cfg, name) < 1:
            raise GanLabError(f"--{name.replace('_', '-')} must be a positive integer, got {getattr(cfg, name)}")
    if not cfg.lr > 0:
        raise GanLabError(f"--lr must be > 0, got {cfg.lr}")
    device = cfg.setup()  # the shared options first, checked in one place
    if cfg.out:
        expect_suffix("--out", cfg.out, ".pt")
    train = load_dataset(cfg.dataset, 28, cfg.data_dir, device, "train", exclude_sample=True)
    heldout = load_dataset(cfg.dataset, 28, cfg.data_dir, device, "heldout")
    print(f"data: {train.description}; held out: {heldout.description}", flush=True)
    t0 = time.perf_counter()
    model = fit_classifier(train.images, train.labels, cfg.epochs, cfg.batch_size, cfg.lr, cfg.seed, cfg.augment)
    seconds = time.perf_counter() - t0
    acc_heldout = accuracy(model, heldout.images, heldout.labels)
    sample_heldout = load_dataset("sample", 28, split="heldout", device=device)  # unseen by every model
    acc_sample = accuracy(model, sample_heldout.images, sample_heldout.labels)
    acc_train = accuracy(model, train.images, train.labels)
    out = Path(cfg.out) if cfg.out else WEIGHTS_PATH
    out.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    atomic_write(out, lambda tmp: torch.save(state, tmp))
    record = {
        "weights": out.name,
        "architecture": "gan_lab.models.classifier.MNISTClassifier",
        "train_data": train.description,
        "heldout_data": heldout.description + " (never used for training or model selection)",
        "heldout_accuracy": round(acc_heldout, 4),
        "sample_heldout_accuracy": round(acc_sample, 4),
        "train_accuracy": round(acc_train, 4),
        "command": "gan-lab train-classifier " + " ".join(sys.argv[2:])
        if sys.argv[1:2] == ["train-classifier"]
        else "gan_lab.commands.train_classifier.run",
        "config": asdict(cfg),
        "seed": cfg.seed,
        "train_seconds": round(seconds, 1),
        "hardware": f"{device.type}, {torch.get_num_threads()} thread(s), {platform.processor() or platform.machine()}",
        "torch": torch.__version__,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ"),
    }
    atomic_write_text(out.with_suffix(".json"), json.dumps(record, indent=2) + "\n")
    print(
        f"held-out accuracy {acc_heldout:.4f} (train {acc_train:.4f}) after {seconds:.0f} s; wrote {out} and {out.with_suffix('.json').name}"
    )
    return record
