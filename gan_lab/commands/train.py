"""``gan-lab train``: train a GAN (the loop is ``gan_lab.train``)."""

from __future__ import annotations

from pathlib import Path

from gan_lab.config import TrainConfig
from gan_lab.runtime import GanLabError

__all__ = ["TrainConfig", "interrupted", "run"]


def run(cfg: TrainConfig) -> None:
    from gan_lab.train import train  # lazily: `gan-lab --help` needs no training code

    result = train(cfg)
    print(f"wrote {result.out}/: config.json, checkpoint.pt, samples/, losses.csv, losses.png")


def interrupted(cfg: TrainConfig) -> str:
    """The resume hint after Ctrl-C, naming the run directory as resolved (``runs/<model>`` by default)."""
    try:
        out = Path(cfg.resolved().out)
    except GanLabError:
        return ""
    return f"; the last finished epoch is in {out / 'checkpoint.pt'}, continue with --resume"
