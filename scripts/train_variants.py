"""Train and evaluate the loss and regulariser variants with one budget, one at a time; record what was run.

Usage (from the repository root; each training is one torch thread under nice 10):
    python scripts/train_variants.py [--epochs 30] [--only NAME ...]
    python scripts/train_variants.py --table      # the markdown table of README's results, from the files
Writes ``book/results/variants/<name>.json`` (the JSON of ``gan-lab evaluate``) and ``runs.json`` beside them:
per run its label, commands, steps (discriminator and generator), wall and CPU time and the machine's load.
A run already in ``runs.json`` is skipped, so an interrupted sweep continues where it stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "book" / "results" / "variants"

# name -> (label, options); the WGAN rows take their papers' n_critic, learning rate and betas
VARIANTS = {
    "non_saturating": ("non-saturating (the course's default)", []),
    "lsgan": ("least squares (LSGAN)", ["--loss", "lsgan"]),
    "hinge": ("hinge", ["--loss", "hinge"]),
    "wgan_gp": (
        "WGAN-GP, n_critic 5, Adam 1e-4, betas (0, 0.9)",
        ["--loss", "wgan-gp", "--n-critic", "5", "--lr", "1e-4", "--beta1", "0", "--beta2", "0.9"],
    ),
    "hinge_sn": ("hinge + spectral norm", ["--loss", "hinge", "--spectral-norm"]),
    "wgan_clip": ("WGAN (clipping 0.01), n_critic 5, Adam 5e-5", ["--loss", "wgan", "--n-critic", "5", "--lr", "5e-5"]),
    "non_saturating_sn": ("non-saturating + spectral norm", ["--spectral-norm"]),
    "wgan_gp_n1": ("WGAN-GP, n_critic 1, the course's Adam", ["--loss", "wgan-gp"]),
}


def timed(command: list[str]) -> tuple[float, float]:
    """Run ``command`` under nice 10; return its wall and CPU seconds (user + system of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", "TQDM_DISABLE": "1"}
    subprocess.run(["nice", "-n", "10", *command], cwd=ROOT, env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, cpu


def table() -> str:
    """README's markdown table: one row per recorded run, then the real-vs-real floor of the first."""
    record = json.loads((RESULTS / "runs.json").read_text())
    head = "| variant | flags added (`gan-lab train --model mlp --dataset sample --epochs 30 --ema 0 --real-label 1 ... --seed 0`) "
    head += "| D steps (G steps) | train wall | IS | FID | FID / floor | KID | precision | recall | classes | KL to uniform |"
    rows = [head, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    floor = None
    for run in record["runs"]:
        result = json.loads((RESULTS / run["evaluation"]).read_text())
        m, floor = result["model_vs_heldout"], floor or result["floor_train_vs_heldout"]
        flags = " ".join(VARIANTS[run["name"]][1]) or "(none: the tutorial recipe)"
        rows.append(
            f"| {run['label']} | `{flags}` | {run['steps']:,} ({run['generator_steps']:,}) "
            f"| {run['train_wall_s'] / 60:.1f} min | {m['inception_score']:.2f} | {m['fid']:.1f} "
            f"| {result['fid_ratio_to_floor']:.1f} | {m['kid']:.1f} | {m['precision']:.2f} | {m['recall']:.2f} "
            f"| {m['classes_covered']} | {m['kl_to_uniform']:.3f} |"
        )
    if floor is not None:
        rows.append(
            f"| real training digits (floor) | | | | {floor['inception_score']:.2f} | {floor['fid']:.1f} | 1 "
            f"| {floor['kid']:.1f} | {floor['precision']:.2f} | {floor['recall']:.2f} | {floor['classes_covered']} "
            f"| {floor['kl_to_uniform']:.3f} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--only", nargs="*", default=list(VARIANTS))
    parser.add_argument("--table", action="store_true", help="print the markdown table of the recorded runs")
    args = parser.parse_args()
    if args.table:
        print(table())
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    record_path = RESULTS / "runs.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {"runs": []}
    done = {r["name"] for r in record["runs"]}
    for name in args.only:
        if name in done:
            continue
        label, options = VARIANTS[name]
        out = f"runs/variants/{name}"
        train = ["gan-lab", "train", "--model", "mlp", "--dataset", "sample", "--epochs", str(args.epochs)]
        train += ["--ema", "0", "--real-label", "1"]  # the plain recipe under every loss, whatever the defaults
        train += [*options, "--num-threads", "1", "--device", "cpu", "--seed", "0", "--out", out]
        evaluate = ["gan-lab", "evaluate", "--checkpoint", f"{out}/checkpoint.pt", "--n", "1000"]
        evaluate += ["--num-threads", "1", "--device", "cpu", "--out", f"book/results/variants/{name}.json"]
        load_before = os.getloadavg()[0]
        train_wall, train_cpu = timed([sys.executable, "-m", "gan_lab", *train[1:]])
        load_after = os.getloadavg()[0]
        eval_wall, _ = timed([sys.executable, "-m", "gan_lab", *evaluate[1:]])
        ckpt = torch.load(ROOT / out / "checkpoint.pt", map_location="cpu", weights_only=True)
        g_steps = {int(s["step"]) for s in ckpt["opt_g"]["state"].values()}.pop()
        record["runs"].append(
            {
                "name": name,
                "label": label,
                "evaluation": f"{name}.json",
                "train_command": " ".join(train),
                "evaluate_command": " ".join(evaluate),
                "epochs": args.epochs,
                "steps": ckpt["d_steps"],  # discriminator steps = batches seen
                "generator_steps": g_steps,
                "train_wall_s": round(train_wall, 1),
                "train_cpu_s": round(train_cpu, 1),
                "evaluate_wall_s": round(eval_wall, 1),
                "load_average": [round(load_before, 2), round(load_after, 2)],
            }
        )
        record["hardware"] = (
            f"{os.cpu_count()}-core {platform.machine()} CPU shared with other agents' jobs and a long training, "
            "one torch thread per run under nice 10, runs one at a time; no GPU"
        )
        record["torch"] = torch.__version__
        tmp = record_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(record, indent=1) + "\n")
        tmp.replace(record_path)
        print(f"{name}: train {train_wall:.0f} s wall, {train_cpu:.0f} s CPU; evaluate {eval_wall:.0f} s", flush=True)


if __name__ == "__main__":
    main()
