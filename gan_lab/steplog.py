"""The per-step training log ``losses.csv``: one row per step, appended once per epoch.

Appending keeps an epoch's cost independent of the run's length. The file is crash-safe together with
the checkpoint: an epoch's rows are appended (and flushed to disk) before its checkpoint is written, so
after a kill the log is at most one epoch ahead of the checkpoint, possibly ending in a torn line.
Opening the log for a run at epoch ``e`` cuts it back to the complete rows of epochs ``<= e``.
:func:`check_finite` stops a run on the first NaN or Inf of an epoch's rows, before they are logged.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import torch

from gan_lab.runtime import GanLabError, atomic_write_text

STAT_KEYS = ("loss_d", "loss_g", "d_real", "d_fake")
FIELDS = ("epoch", "step", *STAT_KEYS)


def _csv_text(rows: list[dict[str, float]], header: bool) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS)
    if header:
        writer.writeheader()
    for r in rows:
        writer.writerow({k: (int(v) if k in ("epoch", "step") else f"{v:.6g}") for k, v in r.items()})
    return buf.getvalue()


class StepLog:
    """``losses.csv`` of a run resumed (or started) after ``last_epoch`` finished epochs."""

    def __init__(self, path: str | Path, last_epoch: int) -> None:
        self.path = Path(path)
        self.rows = self._read(last_epoch)
        atomic_write_text(self.path, _csv_text(self.rows, header=True))  # the repaired log, once per run

    def _read(self, last_epoch: int) -> list[dict[str, float]]:
        if last_epoch == 0 or not self.path.is_file():
            return []
        text = self.path.read_text()
        lines = text.splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines.pop()  # a line torn by a kill during an append
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(lines)]
        return [r for r in rows if r["epoch"] <= last_epoch]  # drop rows of an epoch the checkpoint never saw

    def append(self, epoch: int, stats: torch.Tensor) -> list[dict[str, float]]:
        """Add one epoch's rows from ``stats`` (steps, len(STAT_KEYS)) on the CPU; return them."""
        first_step = (epoch - 1) * len(stats)
        new = [
            {"epoch": epoch, "step": first_step + i + 1, **dict(zip(STAT_KEYS, s.tolist()))}
            for i, s in enumerate(stats)
        ]
        with self.path.open("a", newline="") as f:
            f.write(_csv_text(new, header=False))
            f.flush()
            os.fsync(f.fileno())  # on disk before the checkpoint that counts this epoch as done
        self.rows += new
        return new


def check_finite(stats: torch.Tensor, epoch: int, last_good: str) -> None:
    """Stop on the first NaN or Inf of an epoch's statistics (steps, 4), already on the CPU."""
    bad = ~torch.isfinite(stats)
    if bad.any():
        step, key = (int(i) for i in bad.nonzero()[0])
        value = stats[step, key].item()
        raise GanLabError(
            f"{STAT_KEYS[key]} became {value} at epoch {epoch}, step {step + 1} of {len(stats)}: training stopped "
            f"before saving that epoch; {last_good} (lower --lr, or check the data and the model)"
        )
