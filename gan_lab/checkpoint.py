"""Checkpoints: everything needed to continue a run exactly (models, optimizers, epoch, config, RNGs).

Written atomically (temporary file, then rename): a crash while saving leaves the previous checkpoint
intact and loadable. Loaded with ``weights_only=True``: a checkpoint is data, never code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from gan_lab.runtime import GanLabError, atomic_write

FORMAT = "gan_lab-checkpoint-v1"


def save_checkpoint(state: dict[str, Any], path: str | Path) -> Path:
    """Save ``state`` (a dict of tensors, state dicts and plain values) to ``path`` atomically."""
    atomic_write(path, lambda tmp: torch.save({"format": FORMAT, **state}, tmp))
    return Path(path)


def load_checkpoint(path: str | Path, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Load a checkpoint written by :func:`save_checkpoint`, or raise a one-line :class:`GanLabError`."""
    path = Path(path)
    if not path.is_file():
        raise GanLabError(f"no checkpoint at {path}: expected a checkpoint.pt written by 'gan-lab train'")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # a damaged file fails in many ways (zip, pickle, KeyError, EOF): all mean 'unreadable'
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise GanLabError(
            f"{path} is not a readable gan_lab checkpoint (corrupt or truncated: {first}); "
            "restore it from a copy or start a new run"
        ) from err
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise GanLabError(f"{path} is not a gan_lab checkpoint (expected format {FORMAT!r})")
    return state
