"""One figure of a run's progress: the first row of each chosen epoch's fixed-noise grid, stacked.

``gan-lab train`` saves ``samples/epoch_NNN.png`` every epoch, an 8x8 grid of the generator on the same 64
noise vectors (torchvision's ``make_grid``: 2 px of padding around every image). Row ``r`` of the strip is
the first row of epoch ``epochs[r]``'s grid, so each column follows one ``z`` through training.

    python scripts/progress_strip.py runs/dcgan/samples --epochs 1 2 5 10 20 40 --out progress.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

PAD = 2  # make_grid's padding, in pixels, around every image of the grid


def first_row(grid_png: Path, nrow: int = 8) -> np.ndarray:
    """The top row of an ``nrow``-wide grid, padding included: (cell, width, channels) uint8."""
    grid = np.asarray(Image.open(grid_png).convert("RGB"))  # (H, W, 3)
    cell = (grid.shape[1] - PAD) // nrow  # image side + padding
    return grid[: cell + PAD]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("samples", type=Path, help="a run's samples/ folder (epoch_NNN.png files)")
    parser.add_argument("--epochs", type=int, nargs="+", required=True, help="epochs to show, one row each")
    parser.add_argument("--out", type=Path, required=True, help="PNG to write")
    args = parser.parse_args(argv)
    missing = [e for e in args.epochs if not (args.samples / f"epoch_{e:03d}.png").is_file()]
    if missing:
        parser.error(f"no grid for epochs {missing} in {args.samples}: expected files epoch_NNN.png")
    rows = [first_row(args.samples / f"epoch_{e:03d}.png") for e in args.epochs]
    strip = np.concatenate([rows[0]] + [r[PAD:] for r in rows[1:]])  # shared padding between rows
    tmp = args.out.with_suffix(".tmp.png")
    Image.fromarray(strip).save(tmp)
    tmp.replace(args.out)  # atomic: a half-written figure never replaces a good one
    print(f"wrote {args.out}: {len(rows)} epochs x 8 noise vectors, {strip.shape[1]}x{strip.shape[0]} px")


if __name__ == "__main__":
    main()
