"""Check that two training runs are bit-identical: every tensor of their checkpoints, their losses.csv,
their per-epoch sample grids, and (where scripts/bit_identity.sh made them) their evaluation metrics,
figures and samples.

Used to show that a refactor changed no behaviour: train short seeded CPU runs with the old code into
one folder, the same runs with the new code into another, then

    python scripts/compare_runs.py OLD_FOLDER NEW_FOLDER run1 run2 ...

Exit status 0 when every run matches, 1 (with the differences listed) otherwise. Only the tensors are
compared in the checkpoints; the saved config may differ in the fields a refactor adds or removes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch


def tensors(value: Any, prefix: str = "") -> dict[str, torch.Tensor]:
    """Every tensor inside nested dicts and lists, keyed by its path."""
    if isinstance(value, torch.Tensor):
        return {prefix: value}
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list | tuple) else ()
    out: dict[str, torch.Tensor] = {}
    for k, v in items:
        out.update(tensors(v, f"{prefix}/{k}"))
    return out


def compare(old: Path, new: Path) -> list[str]:
    """The differences between two run folders (empty when bit-identical)."""
    problems = []
    a = torch.load(old / "checkpoint.pt", map_location="cpu", weights_only=True)
    b = torch.load(new / "checkpoint.pt", map_location="cpu", weights_only=True)
    ta, tb = (
        tensors({k: v for k, v in a.items() if k != "config"}),
        tensors({k: v for k, v in b.items() if k != "config"}),
    )
    if ta.keys() != tb.keys():
        problems.append(f"checkpoint tensors differ in keys: {sorted(ta.keys() ^ tb.keys())}")
    for key in sorted(ta.keys() & tb.keys()):
        x, y = ta[key], tb[key]
        if x.dtype != y.dtype or x.shape != y.shape or not torch.equal(x, y):
            problems.append(f"checkpoint {key} differs")
    if a["epoch"] != b["epoch"]:
        problems.append(f"epoch {a['epoch']} != {b['epoch']}")
    if (old / "losses.csv").read_bytes() != (new / "losses.csv").read_bytes():
        problems.append("losses.csv differs")
    grids = {p.name for p in (old / "samples").glob("*.png")}
    new_grids = {p.name for p in (new / "samples").glob("*.png")}
    if grids != new_grids:
        problems.append(f"samples/ holds different files: {sorted(grids ^ new_grids)}")
    for g in sorted(grids & new_grids):
        if (old / "samples" / g).read_bytes() != (new / "samples" / g).read_bytes():
            problems.append(f"samples/{g} differs")
    problems += compare_evaluation(old, new)
    return problems


def compare_evaluation(old: Path, new: Path) -> list[str]:
    """Metrics of evaluation.json, every figure and sample.npz, where the old run has them."""
    problems = []
    if (old / "evaluation.json").is_file():
        a, b = (json.loads((d / "evaluation.json").read_text()) for d in (old, new))
        keys = ("model_vs_heldout", "floor_train_vs_heldout", "heldout_inception_score", "nn_pixel_distance_median")
        problems += [f"evaluation.json {k} differs" for k in keys if a[k] != b[k]]
    for f in sorted((old / "figures").glob("*")) if (old / "figures").is_dir() else []:
        if f.read_bytes() != (new / "figures" / f.name).read_bytes():
            problems.append(f"figures/{f.name} differs")
    if (old / "sample.npz").is_file():  # the arrays: a zip archive records when it was written
        a, b = (np.load(d / "sample.npz")["images"] for d in (old, new))
        if not np.array_equal(a, b):
            problems.append("sample.npz differs")
    return problems


def main(argv: list[str]) -> int:
    old, new, *runs = argv
    failed = False
    for run in runs:
        problems = compare(Path(old) / run, Path(new) / run)
        print(f"{run}: {'bit-identical' if not problems else 'DIFFERENT'}")
        for p in problems:
            print(f"  {p}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
