"""The ``gan-lab`` commands, one module each: a config dataclass and the function that runs it.

``gan_lab.cli`` turns :data:`COMMANDS` into the command line; nothing here parses arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gan_lab.commands import evaluate, export, sample, train, train_classifier
from gan_lab.models import MODELS


@dataclass(frozen=True)
class Command:
    config: type  # the dataclass whose fields are the command's flags
    run: Callable[[Any], object]
    help: str
    interrupted: Callable[[Any], str] = lambda cfg: ""  # what to tell a user who pressed Ctrl-C


COMMANDS: dict[str, Command] = {
    "train": Command(train.TrainConfig, train.run, f"train a GAN ({', '.join(MODELS)})", train.interrupted),
    "sample": Command(sample.SampleConfig, sample.run, "draw a grid of samples from a checkpoint"),
    "evaluate": Command(
        evaluate.EvaluateConfig, evaluate.run, "FID, KID, Inception Score, precision/recall, mode coverage"
    ),
    "export": Command(export.ExportConfig, export.run, "write a trained generator as an ONNX file"),
    "train-classifier": Command(
        train_classifier.TrainClassifierConfig, train_classifier.run, "train the MNIST classifier the metrics use"
    ),
}
