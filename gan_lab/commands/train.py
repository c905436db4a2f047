"""``gan-lab train``: train a GAN (the loop is ``gan_lab.train``)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from gan_lab.checkpoint import load_checkpoint
from gan_lab.config import TrainConfig
from gan_lab.runtime import GanLabError

__all__ = ["TrainConfig", "check_resume", "interrupted", "run"]


def run(cfg: TrainConfig) -> None:
    from gan_lab.train import train  # lazily: `gan-lab --help` needs no training code

    check_resume(cfg)
    result = train(cfg)
    print(f"wrote {result.out}/: config.json, checkpoint.pt, samples/, losses.csv, losses.png")


def check_resume(cfg: TrainConfig) -> None:
    """With ``--resume``, an option set to something other than the run's own value is a conflict, not a wish.

    A resumed run keeps its identity (model, data, losses, seed ...: all but ``TrainConfig.RESUMABLE``), so
    ``--resume --model dcgan`` on an MLP run would otherwise be ignored without a word. An option left at its
    default is not a request, and one equal to the run's value is no conflict.
    """
    if not cfg.resume:
        return
    out = cfg.resolved().out
    saved = load_checkpoint(Path(out) / "checkpoint.pt")["config"]
    defaults = TrainConfig()
    for f in fields(TrainConfig):
        asked = getattr(cfg, f.name)
        if (
            f.name in TrainConfig.RESUMABLE
            or f.name not in saved
            or asked in (getattr(defaults, f.name), saved[f.name])
        ):
            continue
        raise GanLabError(
            f"--{f.name.replace('_', '-')} {asked} conflicts with the run in {out}, started with {saved[f.name]!r}: "
            f"--resume continues a run as it was started (only {', '.join(sorted(TrainConfig.RESUMABLE))} may change)"
        )


def interrupted(cfg: TrainConfig) -> str:
    """The resume hint after Ctrl-C, naming the run directory as resolved (``runs/<model>`` by default)."""
    try:
        out = Path(cfg.resolved().out)
    except GanLabError:
        return ""
    return f"; the last finished epoch is in {out / 'checkpoint.pt'}, continue with --resume"
