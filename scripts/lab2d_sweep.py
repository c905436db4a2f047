"""Regenerate the 2-D lab's sweep: every setting below on 10 seeds, recorded in book/results/lab2d/<mixture>.json.

Usage (one torch thread, niced; minutes to an hour per setting on a shared 2-core machine, WGAN-GP the
slowest):

    nice -n 10 python scripts/lab2d_sweep.py --mixture ring
    nice -n 10 python scripts/lab2d_sweep.py --mixture grid

``--only a,b`` runs those settings alone into <mixture>-a-b.json (the book reads <mixture>*.json, so subsets may
run in parallel processes). Each setting changes a few fields of ``Lab2dConfig``; everything else is at its
default (the record holds the defaults too). Each setting's points (and snapshots, for the settings the
chapter draws) go to <mixture>-<setting>.pt (``gan_lab.lab2d.records``), from which the book draws its figures. The 10 seeds of a setting train together as one ensemble (``gan_lab.lab2d.ensemble``), so a
setting is reproduced bit for bit by rerunning it with the same seeds. The file is rewritten (atomically)
after each setting, so an interrupted sweep keeps what it finished.
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch

from gan_lab.lab2d import Lab2dConfig, make_mixture, train_lab2d
from gan_lab.lab2d.metrics import COVER_FRACTION, N_STD
from gan_lab.lab2d.records import save_runs
from gan_lab.runtime import atomic_write_text

# (name, what it changes, overrides of Lab2dConfig); the first setting of each list is the vanilla GAN
WGAN_GP = dict(loss="wgan-gp", n_critic=5, beta1=0.5, beta2=0.9)
WGAN_GP_TOY = dict(WGAN_GP, gp_weight=0.1)  # gan_toy.py of Gulrajani et al.: LAMBDA = .1 for the 2-D data
CONSTANT = dict(lr_decay=False, steps=4000, score_at=(1000, 2000, 4000))
FIGURES = dict(snapshots=20, n_track=256)  # settings the chapter draws: snapshots saved in <mixture>-<name>.pt
SETTINGS: dict[str, list[tuple[str, str, dict]]] = {
    "ring": [
        ("vanilla", "non-saturating loss, the defaults", {}),
        ("ttur", "vanilla, discriminator learning rate 4x (two time-scale rule)", dict(lr_d=4e-3)),
        ("lsgan", "least squares loss", dict(loss="lsgan")),
        ("sn", "vanilla + spectral norm on the discriminator", dict(spectral_norm=True)),
        ("hinge-sn", "hinge loss + spectral norm", dict(loss="hinge", spectral_norm=True)),
        ("wgan-gp", "WGAN-GP, lambda 10, 5 critic steps, Adam betas (0.5, 0.9)", WGAN_GP),
        ("vanilla-3k", "vanilla, 3,000 steps", dict(steps=3000)),
        ("ttur-3k", "two time-scale rule, 3,000 steps", dict(lr_d=4e-3, steps=3000)),
        (
            "wgan-gp-0.1",
            "WGAN-GP, lambda 0.1 (Gulrajani et al.'s toy code; lesson 8), 5 critic steps, betas (0.5, 0.9)",
            WGAN_GP_TOY,
        ),
        # a constant learning rate (as every paper's toy code), scored at 1x, 2x and 4x a budget within one run
        ("vanilla-const", "vanilla, constant lr 1e-3, scored at 1k, 2k, 4k steps", dict(CONSTANT, **FIGURES)),
        (
            "wgan-gp-0.1-const",
            "WGAN-GP lambda 0.1, constant lr 1e-3, at 1k, 2k, 4k",
            dict(WGAN_GP_TOY, **CONSTANT, **FIGURES),
        ),
        ("lsgan-const", "least squares loss, constant lr 1e-3, at 1k, 2k, 4k", dict(CONSTANT, loss="lsgan")),
        (
            "hinge-sn-const",
            "hinge + spectral norm, constant lr 1e-3, at 1k, 2k, 4k",
            dict(CONSTANT, loss="hinge", spectral_norm=True),
        ),
        (
            "saturating-const",
            "saturating (minimax) loss, constant lr 1e-3, at 1k, 2k, 4k",
            dict(CONSTANT, loss="saturating"),
        ),
        # the learning rates of the unrolled-GAN demo (generator 10x faster than the discriminator), constant
        (
            "fast-g-const",
            "vanilla, lr 1e-3 for G and 1e-4 for D, constant, at 500, 1k, 2k",
            dict(lr=1e-3, lr_d=1e-4, lr_decay=False, steps=2000, score_at=(500, 1000, 2000), **FIGURES),
        ),
        # remedies at the same constant learning rate of the generator
        (
            "ttur-const",
            "two time-scale rule: G 1e-3, D 4e-3, constant, at 500, 1k, 2k",
            dict(lr=1e-3, lr_d=4e-3, lr_decay=False, steps=2000, score_at=(500, 1000, 2000)),
        ),
        (
            "fast-g-ncritic5-const",
            "G 1e-3, D 1e-4 with 5 D steps per G step, constant, at 500, 1k",
            dict(lr=1e-3, lr_d=1e-4, n_critic=5, lr_decay=False, steps=1000, score_at=(500, 1000)),
        ),
    ],
    "grid": [
        ("vanilla", "non-saturating loss, the defaults", {}),
        ("lsgan", "least squares loss", dict(loss="lsgan")),
        ("hinge-sn", "hinge loss + spectral norm", dict(loss="hinge", spectral_norm=True)),
        ("wgan-gp", "WGAN-GP, lambda 10, 5 critic steps, Adam betas (0.5, 0.9)", WGAN_GP),
        ("vanilla-3k", "vanilla, 3,000 steps", dict(steps=3000)),
        (
            "wgan-gp-0.1",
            "WGAN-GP, lambda 0.1 (Gulrajani et al.'s toy code; lesson 8), 5 critic steps, betas (0.5, 0.9)",
            WGAN_GP_TOY,
        ),
        # the ring's collapse (a generator 10x faster than its discriminator) and its remedy, on the grid
        (
            "fast-g-const",
            "vanilla, lr 1e-3 for G and 1e-4 for D, constant, at 500, 1k, 2k",
            dict(lr=1e-3, lr_d=1e-4, lr_decay=False, steps=2000, score_at=(500, 1000, 2000)),
        ),
        (
            "ttur-const",
            "two time-scale rule: G 1e-3, D 4e-3, constant, at 500, 1k, 2k",
            dict(lr=1e-3, lr_d=4e-3, lr_decay=False, steps=2000, score_at=(500, 1000, 2000)),
        ),
    ],
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mixture", choices=sorted(SETTINGS), required=True)
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. N-1 per setting")
    parser.add_argument("--only", default="", help="comma-separated setting names (default: all)")
    parser.add_argument("--out", type=Path, default=Path("book/results/lab2d"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # the networks are tiny: more threads only add contention
    mixture = make_mixture(args.mixture)
    seeds = tuple(range(args.seeds))
    wanted = [s for s in SETTINGS[args.mixture] if not args.only or s[0] in args.only.split(",")]
    defaults = asdict(Lab2dConfig(mixture=args.mixture, snapshots=0))
    defaults.pop("seeds")
    record = {
        "command": "nice -n 10 python scripts/lab2d_sweep.py " + shlex.join(sys.argv[1:] if argv is None else argv),
        "mixture": args.mixture,
        "n_modes": mixture.n_modes,
        "std": mixture.std,
        "rule": (
            f"a generated point is high quality within {N_STD:g} std of a mode's centre; of n_eval points, a mode "
            f"is covered when at least {COVER_FRACTION:g} * n_eval / n_modes of them belong to it"
        ),
        "seeds": list(seeds),
        "defaults": defaults,
        "hardware": f"{platform.machine()} CPU, 1 torch thread, shared machine (nice 10)",
        "torch": torch.__version__,
        "settings": [],
    }
    # a subset goes to its own file, so that subsets can run in parallel processes: <mixture>-<names>.json
    path = args.out / (f"{args.mixture}-{args.only.replace(',', '-')}.json" if args.only else f"{args.mixture}.json")
    start = time.perf_counter()
    for name, label, overrides in wanted:
        cfg = Lab2dConfig(mixture=args.mixture, seeds=seeds, **{"snapshots": 0, **overrides})
        result = train_lab2d(cfg)
        save_runs(args.out / f"{args.mixture}-{name}.pt", result)  # the points and snapshots the figures draw
        runs = result.summary()
        covered = [r["modes_covered"] for r in runs]
        at = {  # the same means at each intermediate step of cfg.score_at
            step: {
                k: sum(r["at"][step][k] for r in runs) / len(runs)
                for k in ("modes_covered", "modes_reached", "hq_share")
            }
            for step in runs[0]["at"]
        }
        record["settings"].append(
            {
                "name": name,
                "label": label,
                "overrides": overrides,
                "runs": runs,
                "mean_modes": sum(covered) / len(covered),
                "mean_reached": sum(r["modes_reached"] for r in runs) / len(runs),
                "mean_at": at,
                "runs_all_modes": sum(c == mixture.n_modes for c in covered),
                "mean_hq_share": sum(r["hq_share"] for r in runs) / len(runs),
                "wall_seconds": round(result.seconds, 1),
            }
        )
        record["wall_seconds"] = round(time.perf_counter() - start, 1)
        atomic_write_text(path, json.dumps(record, indent=1) + "\n")
        print(f"{args.mixture} {name:9s} modes {covered} hq {record['settings'][-1]['mean_hq_share']:.2f} "
              f"({result.seconds:.0f} s)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
