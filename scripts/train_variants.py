"""Train and evaluate the loss and regulariser variants with one budget, one at a time; record what was run.

Usage (from the repository root; each training is one torch thread under nice 10):
    python scripts/train_variants.py [--epochs 30] [--only NAME ...]            # the shipped sample
    python scripts/train_variants.py --dataset mnist --data-dir DIR --epochs 3  # full MNIST
    python scripts/train_variants.py --dataset mnist --seed 1 --only non_saturating hinge_sn
    python scripts/train_variants.py [--dataset mnist] --table   # the markdown table of README, from the files
Writes ``book/results/variants/<name>.json`` (the sample) or ``book/results/variants/full_mnist/<name>.json``
(full MNIST; ``<name>_s<seed>`` for a seed other than 0): the JSON of ``gan-lab evaluate`` at n = 1,000 on the
sample (its 1,000 held-out digits) and n = 10,000 on full MNIST (its 10,000 test digits), the run's
``losses.csv`` and last progress grid, and ``runs.json`` beside them: per run its label, commands, data,
epochs, steps (discriminator and generator), wall and CPU time, the machine's load and hardware.
Every command spells out each option the comparison depends on (``BASE``), so a change of a default
elsewhere cannot change what a recorded command trains.
A run already in ``runs.json`` is skipped, so an interrupted sweep continues where it stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "book" / "results" / "variants"

# every option a row could inherit from a default; a variant's options below override these (argparse keeps
# the last value of a repeated option). --gp-weight and --clip are refused by the losses they do not belong
# to unless 0 ("unused"), so the base sets 0 and the WGAN rows name their value.
BASE = [
    "--model", "mlp", "--batch-size", "64", "--latent-dim", "100",
    "--loss", "non-saturating", "--n-critic", "1", "--no-spectral-norm", "--gp-weight", "0", "--clip", "0",
    "--lr", "2e-4", "--lr-d", "0", "--beta1", "0.5", "--beta2", "0.999",
    "--real-label", "1.0", "--ema", "0", "--augment", "", "--max-samples", "0",
    "--no-amp", "--no-joint-d-pass", "--no-compile",
]  # fmt: skip

# name -> (label, options); the WGAN rows take their papers' n_critic, learning rate and betas
VARIANTS = {
    "non_saturating": ("non-saturating (the course's default)", []),
    "lsgan": ("least squares (LSGAN)", ["--loss", "lsgan"]),
    "hinge": ("hinge", ["--loss", "hinge"]),
    "wgan_gp": (
        "WGAN-GP, n_critic 5, Adam 1e-4, betas (0, 0.9)",
        ["--loss", "wgan-gp", "--gp-weight", "10", "--n-critic", "5", "--lr", "1e-4", "--beta1", "0", "--beta2", "0.9"],
    ),
    "hinge_sn": ("hinge + spectral norm", ["--loss", "hinge", "--spectral-norm"]),
    "wgan_clip": (
        "WGAN (clipping 0.01), n_critic 5, Adam 5e-5",
        ["--loss", "wgan", "--clip", "0.01", "--n-critic", "5", "--lr", "5e-5"],
    ),
    "non_saturating_sn": ("non-saturating + spectral norm", ["--spectral-norm"]),
    "wgan_gp_n1": ("WGAN-GP, n_critic 1, the course's Adam", ["--loss", "wgan-gp", "--gp-weight", "10"]),
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


def table(results: Path = RESULTS) -> str:
    """README's markdown table: one row per recorded run in ``results``, then the real-vs-real floor of the first."""
    record = json.loads((results / "runs.json").read_text())
    runs = record["runs"]
    data = "--dataset sample" if runs[0].get("data", "sample") == "sample" else "--dataset mnist"
    epochs = sorted({run["epochs"] for run in runs})
    head = f"| variant | its flags (after `gan-lab train --model mlp {data} --epochs {'/'.join(map(str, epochs))}` and the common ones) "
    head += "| D steps (G steps) | train CPU | IS | FID | FID / floor | KID | precision | recall | classes | KL to uniform |"
    rows = [head, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    floor = None
    for run in runs:
        result = json.loads((results / run["evaluation"]).read_text())
        m, floor = result["model_vs_heldout"], floor or result["floor_train_vs_heldout"]
        # the variant's own options, as recorded: between the epochs and the thread count of its command
        command = shlex.split(run["train_command"])
        flags = shlex.join(command[command.index("--epochs") + 2 : command.index("--num-threads")]) or "(none)"
        seed = f" `--seed {run['seed']}`" if run.get("seed", 0) else ""
        rows.append(
            f"| {run['label']} | `{flags}`{seed} | {run['steps']:,} ({run['generator_steps']:,}) "
            f"| {run['train_cpu_s']:.0f} s | {m['inception_score']:.2f} | {m['fid']:.1f} "
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


def results_dir(dataset: str) -> Path:
    """Where a sweep's files go: the sample's beside this script's first results, full MNIST's below them."""
    return RESULTS if dataset == "sample" else RESULTS / "full_mnist"


def run_name(name: str, seed: int) -> str:
    """``name`` for seed 0 (the sweep), ``name_s<seed>`` for a repeat with another seed."""
    return name if seed == 0 else f"{name}_s{seed}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["sample", "mnist"], default="sample")
    parser.add_argument("--data-dir", default="/work/shared/datasets", help="full MNIST (torchvision layout)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs-dir", default="runs/variants", help="where the run folders go (not committed)")
    parser.add_argument("--only", nargs="*", default=list(VARIANTS))
    parser.add_argument("--table", action="store_true", help="print the markdown table of the recorded runs")
    args = parser.parse_args()
    results = results_dir(args.dataset)
    if args.table:
        print(table(results))
        return
    results.mkdir(parents=True, exist_ok=True)
    record_path = results / "runs.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {"runs": []}
    done = {r["name"] for r in record["runs"]}
    if args.dataset == "sample":
        data, n_eval = ["--dataset", "sample"], 1000  # the sample holds out 1,000 digits
    else:
        data, n_eval = ["--dataset", "mnist", "--data-dir", args.data_dir], 10000  # the 10,000 test digits
    for variant in args.only:
        name = run_name(variant, args.seed)
        if name in done:
            continue
        label, options = VARIANTS[variant]
        label = label if args.seed == 0 else f"{label}, seed {args.seed}"
        out = f"{args.runs_dir}/{name}"
        evaluation = results / f"{name}.json"
        train = ["gan-lab", "train", *BASE, *data, "--epochs", str(args.epochs), *options]
        train += ["--num-threads", "1", "--device", "cpu", "--seed", str(args.seed), "--out", out]
        evaluate = ["gan-lab", "evaluate", "--checkpoint", f"{out}/checkpoint.pt", "--n", str(n_eval)]
        evaluate += ["--seed", "0", "--num-threads", "1", "--device", "cpu"]
        evaluate += ["--out", str(evaluation.relative_to(ROOT))]
        load_before = os.getloadavg()[0]
        train_wall, train_cpu = timed([sys.executable, "-m", "gan_lab", *train[1:]])
        load_after = os.getloadavg()[0]
        eval_wall, eval_cpu = timed([sys.executable, "-m", "gan_lab", *evaluate[1:]])
        ckpt = torch.load(ROOT / out / "checkpoint.pt", map_location="cpu", weights_only=True)
        g_steps = {int(s["step"]) for s in ckpt["opt_g"]["state"].values()}.pop()
        grids = sorted((ROOT / out / "samples").glob("epoch_*.png"))
        shutil.copyfile(ROOT / out / "losses.csv", results / f"{name}_losses.csv")
        shutil.copyfile(grids[-1], results / f"{name}_samples.png")  # the last epoch's progress grid
        record["runs"].append(
            {
                "name": name,
                "variant": variant,
                "label": label,
                "evaluation": evaluation.name,
                "train_command": shlex.join(train),
                "evaluate_command": shlex.join(evaluate),
                "data": args.dataset,
                "epochs": args.epochs,
                "seed": args.seed,
                "steps": ckpt["d_steps"],  # discriminator steps = batches seen
                "generator_steps": g_steps,
                "train_wall_s": round(train_wall, 1),
                "train_cpu_s": round(train_cpu, 1),
                "evaluate_wall_s": round(eval_wall, 1),
                "evaluate_cpu_s": round(eval_cpu, 1),
                "load_average": [round(load_before, 2), round(load_after, 2)],
                "losses": f"{name}_losses.csv",
                "samples": f"{name}_samples.png",
            }
        )
        record["hardware"] = (
            f"{os.cpu_count()}-core {platform.machine()} CPU shared with other agents' jobs and a long training, "
            "one torch thread per run under nice 10, runs one at a time; no GPU"
        )
        record["data"] = (
            "the MNIST sample shipped with gan_lab: 4,000 training digits; evaluated at n = 1,000 against its 1,000 "
            "held-out digits, never trained on"
            if args.dataset == "sample"
            else f"full MNIST ({args.data_dir}, torchvision layout): trained on the 60,000 training digits; "
            "evaluated at n = 10,000 against the 10,000 test digits, never trained on"
        )
        record["torch"] = torch.__version__
        tmp = record_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(record, indent=1) + "\n")
        tmp.replace(record_path)
        print(
            f"{name}: train {train_wall:.0f} s wall, {train_cpu:.0f} s CPU; "
            f"evaluate {eval_wall:.0f} s wall, {eval_cpu:.0f} s CPU",
            flush=True,
        )


if __name__ == "__main__":
    main()
