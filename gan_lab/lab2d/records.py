"""The points and snapshots of a sweep's runs, saved beside its JSON record so that the book draws its figures
from the runs that the tables count, without training at build time.

A file holds, for every seed of one setting, the first ``keep`` of the scored points (at the end and at each
step of ``score_at``) and, when the setting took snapshots, every snapshot with the decision surface at half
resolution; all in float16, which is far below a pixel of the figures (the modes are 0.02 wide, float16 keeps
about 3 decimal digits at radius 2). Scores are not recomputed from the kept points: they come from the full
``n_eval`` points and are stored as computed.
"""

from __future__ import annotations

from pathlib import Path

import torch

from gan_lab.lab2d.metrics import MixtureScore
from gan_lab.lab2d.train import Lab2dResult, Lab2dRun, Snapshot
from gan_lab.runtime import GanLabError


def _half(x: torch.Tensor) -> torch.Tensor:
    return x.detach().to(torch.float16).clone()


def save_runs(path: Path, result: Lab2dResult, keep: int = 1000) -> None:
    """Write the runs of ``result`` to ``path`` (a ``.pt`` file, replaced atomically)."""
    runs = []
    for run in result.runs:
        snaps = [
            {"step": s.step, "x_fake": _half(s.x_fake), "force": _half(s.force), "surface": _half(s.surface[::2, ::2])}
            for s in run.snapshots
        ]
        runs.append(
            {
                "seed": run.seed,
                "loss": run.loss,
                "score": {
                    "modes_covered": run.score.modes_covered,
                    "hq_share": run.score.hq_share,
                    "counts": run.score.counts,
                },  # fmt: skip
                "x_fake": _half(run.x_fake[:keep]),  # (keep, 2)
                "x_at": {step: _half(x[:keep]) for step, x in run.x_at.items()},  # step -> (keep, 2)
                "snapshots": snaps,
            }
        )
    tmp = path.with_suffix(".pt.tmp")
    torch.save({"mixture": result.config.mixture, "runs": runs}, tmp)
    tmp.replace(path)


def load_runs(path: Path) -> list[Lab2dRun]:
    """The runs saved by :func:`save_runs`, as :class:`Lab2dRun` in float32 (the plots take them as trained)."""
    if not Path(path).is_file():
        raise GanLabError(f"no saved runs at {path}: regenerate them with scripts/lab2d_sweep.py")
    data = torch.load(path, weights_only=True)
    runs = []
    for r in data["runs"]:
        snaps = [
            Snapshot(s["step"], s["x_fake"].float(), s["force"].float(), s["surface"].float()) for s in r["snapshots"]
        ]
        x_at = {int(step): x.float() for step, x in r["x_at"].items()}
        runs.append(Lab2dRun(r["seed"], r["loss"], MixtureScore(**r["score"]), r["x_fake"].float(), snaps, x_at))
    return runs
