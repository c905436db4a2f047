"""Training that loses nothing: a NaN stops the run with the last good checkpoint named, an unwritable
or full output folder is an error before training starts, and a log torn by a kill is repaired."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
import torch

from gan_lab import losses
from gan_lab.checkpoint import load_checkpoint
from gan_lab.runtime import GanLabError
from gan_lab.steplog import STAT_KEYS, StepLog
from gan_lab.train import TrainConfig, train


def tiny(out: Path, **changes: object) -> TrainConfig:
    """The mlp on 128 sample digits: 2 steps of 64 per epoch."""
    values = dict(model="mlp", dataset="sample", max_samples=128, batch_size=64, epochs=2, n_fixed=4)
    return TrainConfig(**{**values, "num_threads": 1, "device": "cpu", "out": str(out), **changes})


def test_nan_loss_stops_the_run_naming_epoch_step_and_last_good_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    original = losses.discriminator_loss

    def nan_at_the_fourth_step(*args: object, **kwargs: object) -> torch.Tensor:
        calls.append(1)
        loss = original(*args, **kwargs)
        return loss * math.nan if len(calls) == 4 else loss  # epoch 2, step 2 of 2

    monkeypatch.setattr(losses, "discriminator_loss", nan_at_the_fourth_step)
    out = tmp_path / "run"
    with pytest.raises(GanLabError) as err:
        train(tiny(out, epochs=3), progress=False)
    message = str(err.value)
    assert "\n" not in message
    assert "loss_d became nan at epoch 2, step 2 of 2" in message
    assert f"the last good checkpoint is {out / 'checkpoint.pt'} (epoch 1)" in message
    assert len(calls) == 4, "the run stopped at the end of the epoch that went bad"
    state = load_checkpoint(out / "checkpoint.pt")
    assert state["epoch"] == 1 and all(torch.isfinite(v).all() for v in state["generator"].values())
    rows = list(csv.DictReader((out / "losses.csv").open()))
    assert [r["epoch"] for r in rows] == ["1", "1"], "the bad epoch is neither logged nor saved"


def test_nan_in_the_first_epoch_says_no_checkpoint_was_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = losses.generator_loss
    monkeypatch.setattr(losses, "generator_loss", lambda *a, **k: original(*a, **k) * math.inf)
    with pytest.raises(
        GanLabError, match=r"loss_g became inf at epoch 1, step 1 of 2: .*no checkpoint was written yet"
    ):
        train(tiny(tmp_path / "run"), progress=False)
    assert not (tmp_path / "run" / "checkpoint.pt").exists()


def test_an_output_folder_that_cannot_be_written_is_an_error_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = []
    monkeypatch.setattr("gan_lab.train.train_one_epoch", lambda *a, **k: steps.append(1))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(GanLabError, match=r"cannot write into .*a-file/run .*choose another output folder"):
        train(tiny(blocker / "run"), progress=False)
    assert blocker.read_text() == "not a folder" and not steps


def test_a_full_disk_is_an_error_before_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    steps = []
    monkeypatch.setattr("gan_lab.train.train_one_epoch", lambda *a, **k: steps.append(1))
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9 - 10**6, 10**6))
    # the mlp's checkpoint without a moving average: 2.0 M parameters as float32, and Adam's two moments of each
    with pytest.raises(GanLabError, match=r"has 1.0 MB free, this run needs about 4[0-9].[0-9] MB"):
        train(tiny(tmp_path / "run", ema=0.0), progress=False)
    assert not steps and not (tmp_path / "run" / "checkpoint.pt").exists()


def test_a_log_torn_by_a_kill_is_cut_back_to_the_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "losses.csv"
    log = StepLog(path, 0)
    log.append(1, torch.tensor([[1.0, 2.0, 0.5, 0.25], [1.5, 2.5, 0.75, 0.125]]))
    after_epoch_1 = path.read_bytes()
    log.append(2, torch.tensor([[3.0, 4.0, 0.5, 0.5], [3.5, 4.5, 0.5, 0.5]]))
    path.write_bytes(path.read_bytes()[:-7])  # killed while appending epoch 2, before its checkpoint
    resumed = StepLog(path, 1)  # the checkpoint says: epoch 1 done
    assert path.read_bytes() == after_epoch_1
    assert [r["step"] for r in resumed.rows] == [1.0, 2.0]
    resumed.append(2, torch.tensor([[3.0, 4.0, 0.5, 0.5], [3.5, 4.5, 0.5, 0.5]]))
    rows = list(csv.DictReader(path.open()))
    assert [r["step"] for r in rows] == ["1", "2", "3", "4"] and list(rows[0]) == ["epoch", "step", *STAT_KEYS]
    assert StepLog(path, 2).rows == resumed.rows, "reading the log back gives what was appended"
