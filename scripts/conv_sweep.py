"""The convolutional families on full MNIST at equal work: what held dcgan28 back, and each family's
defaults against the plain tutorial recipe, over seeds.

    python scripts/conv_sweep.py [--runs /work/runs/conv-fam]

Every training is one run with ``--ema 0.999`` (which leaves the trained networks bit-identical, see
``tests/test_evaluate.py``), scored twice by ``gan-lab evaluate --n 10000``: ``--weights raw`` (the
trained generator) and ``--weights ema`` (its warmed-up moving average), so each pair of settings is
compared at exactly the same steps. A run folder is named ``<family>_<variant>_s<seed>`` (see
``VARIANTS``); its evaluations ``eval_<run>_raw.json`` and ``eval_<run>_ema.json``, its training log
``<run>.log``, its ``/usr/bin/time -v`` report ``<run>.time`` and the code's commit ``<run>.commit`` lie
beside it. With ``--runs`` those are first copied into ``conv/sweep/`` (evaluations) and
``conv/sweep/trainings.json`` (command, commit, steps, times, memory); then ``conv/sweep.json`` is rebuilt
from the committed files and its tables printed as Markdown.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import statistics
from pathlib import Path

from mlp_sweep import METRICS, better_on, metrics_of

CONV = Path(__file__).resolve().parents[1] / "book" / "results" / "full_mnist" / "conv"
SWEEP = CONV / "sweep"
NAME = re.compile(r"^(d28|c64h|dcg)_([a-z]+)_s(\d+)$")
TIME = {
    "train_cpu_s": r"User time \(seconds\): ([0-9.]+)",
    "peak_rss_mib": r"Maximum resident set size \(kbytes\): (\d+)",
}
# (family, variant) -> what the run changes; "init": the weights' initialisation the code at its commit used
VARIANTS = {
    ("d28", "c"): {"init": "PyTorch's default", "optimizer": "Adam 2e-4, beta1 0.5 (PyTorch's DCGAN recipe)"},
    ("d28", "b"): {
        "init": "Keras' (Glorot-uniform, zero biases)",
        "optimizer": "Adam 1e-4, beta1 0.9 (the tutorial's)",
    },
    ("d28", "bc"): {
        "init": "Keras' (Glorot-uniform, zero biases)",
        "optimizer": "Adam 2e-4, beta1 0.5 (PyTorch's DCGAN recipe)",
    },
    ("d28", "bcd"): {
        "init": "Keras' (Glorot-uniform, zero biases)",
        "optimizer": "Adam 2e-4, beta1 0.5, --simultaneous (the tutorial's update order)",
    },
    ("c64h", "def"): {"init": "PyTorch's default", "optimizer": "Adam 2e-4, beta1 0.5 (the family's defaults)"},
    ("dcg", "def"): {
        "init": "Radford et al.'s N(0, 0.02)",
        "optimizer": "Adam 2e-4, beta1 0.5 (the family's defaults)",
    },
}
MODEL = {"d28": "dcgan28", "c64h": "conv64", "dcg": "dcgan"}
# the runs of the equal-work comparison: the variant that is the family's plain tutorial recipe
RECIPE = {"d28": "bc", "c64h": "def", "dcg": "def"}


def read_trainings(runs: Path) -> list[dict]:
    """Command, commit, seed, steps, wall and CPU time and peak memory of every finished, evaluated training."""
    rows = []
    for config_file in sorted(runs.glob("*/config.json")):
        run = config_file.parent
        match = NAME.match(run.name)
        if not match or not (runs / f"eval_{run.name}_raw.json").exists():
            continue
        cfg = json.loads(config_file.read_text())
        log, timing = (runs / f"{run.name}.log").read_text(), (runs / f"{run.name}.time").read_text()
        epoch_s = [float(s) for s in re.findall(r"^epoch \d+/\d+ .* ([0-9.]+) s$", log, flags=re.M)]
        images = cfg["max_samples"] or 60000
        times = {k: float(re.search(p, timing).group(1)) for k, p in TIME.items()}
        command = (runs / f"{run.name}.cmd").read_text().strip().replace(str(runs), "runs")
        rows.append(
            {
                "run": run.name,
                "model": cfg["model"],
                "variant": match.group(2),
                "seed": cfg["seed"],
                "train_command": command.replace(cfg["data_dir"], "<MNIST folder>"),
                "code_commit": (runs / f"{run.name}.commit").read_text().strip(),
                "epochs": cfg["epochs"],
                "images": images,
                "batch_size": cfg["batch_size"],
                "steps": cfg["epochs"] * (images // cfg["batch_size"]),
                "train_wall_minutes": round(sum(epoch_s) / 60, 1),
                "train_cpu_minutes": round(times["train_cpu_s"] / 60, 1),
                "peak_rss_mib": round(times["peak_rss_mib"] / 1024),
            }
        )
        for weights in ("raw", "ema"):
            shutil.copyfile(runs / f"eval_{run.name}_{weights}.json", SWEEP / f"{run.name}_{weights}.json")
        shutil.copyfile(run / "losses.csv", SWEEP / f"{run.name}_losses.csv")
        # the last epoch's grid of 64 fixed z, drawn by the moving average (the sampler of a run with --ema)
        shutil.copyfile(run / "samples" / f"epoch_{cfg['epochs']:03d}.png", SWEEP / f"{run.name}_samples.png")
    return rows


def d_trajectory(losses: Path, steps: int, parts: int = 6) -> list[list[float]]:
    """Mean D(x) and D(G(z)) over each of ``parts`` equal slices of a run's first ``steps`` steps."""
    rows = list(csv.DictReader(losses.open()))[:steps]
    size = steps // parts
    return [
        [round(statistics.fmean(float(r[k]) for r in rows[i * size : (i + 1) * size]), 2) for k in ("d_real", "d_fake")]
        for i in range(parts)
    ]


def summarise(rows: list[dict]) -> dict:
    """Median, min and max over the rows' seeds of each metric."""
    return {
        "seeds": sorted(r["seed"] for r in rows),
        **{
            k: {
                "median": statistics.median(r["metrics"][k] for r in rows),
                "min": min(r["metrics"][k] for r in rows),
                "max": max(r["metrics"][k] for r in rows),
            }
            for k, _, _ in METRICS
        },
    }


def build() -> dict:
    """sweep.json: every evaluation with its training; dcgan28's variants; each family's recipe against its average."""
    trainings = {t["run"]: t for t in json.loads((SWEEP / "trainings.json").read_text())["runs"]}
    rows = []
    for run, t in trainings.items():
        family = NAME.match(run).group(1)
        for weights in ("raw", "ema"):
            ev = json.loads((SWEEP / f"{run}_{weights}.json").read_text())
            assert ev["weights"] == weights, f"{run}_{weights}.json scored {ev['weights']}"
            rows.append(
                {
                    **t,
                    **VARIANTS[(family, t["variant"])],
                    "weights": weights,
                    "evaluation": f"sweep/{run}_{weights}.json",
                    "evaluate_command": f"gan-lab evaluate --checkpoint runs/{run}/checkpoint.pt --weights {weights} "
                    f"--n {ev['n']} --num-threads 1",
                    "metrics": metrics_of(ev),
                    "fid_ratio_to_floor": ev["fid_ratio_to_floor"],
                }
            )
    families = {}
    for family, variant in RECIPE.items():
        of = {
            w: [
                r
                for r in rows
                if NAME.match(r["run"]).group(1) == family and r["variant"] == variant and r["weights"] == w
            ]
            for w in ("raw", "ema")
        }
        if not of["raw"]:
            continue
        recipe, average = summarise(of["raw"]), summarise(of["ema"])
        better = better_on(average, recipe)
        floor = json.loads((CONV / of["raw"][0]["evaluation"]).read_text())["floor_train_vs_heldout"]
        families[MODEL[family]] = {
            # real training digits against the test digits, at the family's image size (resized like its samples)
            "floor": metrics_of({"model_vs_heldout": floor}),
            "steps": of["raw"][0]["steps"],
            "epochs": of["raw"][0]["epochs"],
            "images": of["raw"][0]["images"],
            "recipe": recipe,
            "moving_average": average,
            "moving_average_better_on": better,
            "recipe_better_on": better_on(recipe, average),
            "default_ema": 0.999 if len(better) > len(METRICS) / 2 else 0.0,
        }
    # what the dcgan28 variants' discriminators did in the first epoch; "a": the 5-epoch run at the tutorial's
    # settings with PyTorch's init (conv_runs.json), whose first 234 steps are those of a 1-epoch run
    trajectories = {"a": d_trajectory(CONV / "dcgan28_5_losses.csv", 234)}
    trajectories |= {
        t["variant"]: d_trajectory(SWEEP / f"{run}_losses.csv", t["steps"])
        for run, t in trainings.items()
        if run.startswith("d28_") and t["seed"] == 0
    }
    return {
        "what": "full-MNIST convolutional families, short equal-work runs, each trained with --ema 0.999 and scored "
        "twice (--weights raw: the trained generator; --weights ema: its warmed-up moving average, "
        "gan_lab/ema.py), n = 10,000 generated images against the 10,000 test digits",
        "generated_by": "python scripts/conv_sweep.py",
        "hardware": "2-core x86_64 CPU shared with 2-3 other jobs (load average 2-5), one torch thread, "
        "nice 10, one training of the sweep at a time; wall time: the sum of the per-epoch times the training printed; CPU time "
        "and peak memory from /usr/bin/time -v (training only)",
        "rule": "a family's default turns on the moving average (--ema 0.999) only if, at equal steps, its median "
        "over the seeds beats the plain tutorial recipe's (the same runs' trained generators) on most of the "
        "metrics: IS, FID, KID, precision, recall, largest class share off 10% (the MLP sweep's rule)",
        "dcgan28_first_epoch": {
            "what": "mean D(x), D(G(z)) over six slices of 39 steps of the first epoch (seed 0), by variant; a: "
            "PyTorch's init with the tutorial's Adam 1e-4 / beta1 0.9 (the first 234 steps of dcgan28_5_losses.csv)",
            "variants": {"a": {"init": "PyTorch's default", "optimizer": "Adam 1e-4, beta1 0.9 (the tutorial's)"}}
            | {v: VARIANTS[("d28", v)] for v in trajectories if v != "a"},
            "d_real_d_fake": trajectories,
        },
        "batchnorm_probe": {
            "command": "python scripts/batchnorm_probe.py runs/full_dcgan28/checkpoint.pt 2000",
            "what": "the 5-epoch dcgan28 of conv_runs.json (PyTorch's init, the tutorial's Adam), IS of 2,000 images",
            "eval_mode_running_statistics": 2.01,
            "eval_mode_recalibrated": 2.33,
            "train_mode_batch_statistics": 2.33,
            "reading": "the running statistics cost 0.3 of IS at most: the generator itself had not learned digits",
        },
        "families": families,
        "runs": rows,
    }


def cell(k: str, v: dict | float) -> str:
    fmt = "{:.2f}" if k in ("inception_score", "precision", "recall") else "{:.1f}"
    if isinstance(v, dict):
        spread = f" ({fmt.format(v['min'])}-{fmt.format(v['max'])})" if v["min"] != v["max"] else ""
        return fmt.format(v["median"]) + spread
    return fmt.format(v)


def tables(sweep: dict) -> str:
    head = " | ".join(label for _, label, _ in METRICS) + " | classes |"
    lines = [
        "| run | init | optimizer | weights | steps | " + head,
        "|---|---|---|---|---:|" + "---:|" * (len(METRICS) + 1),
    ]
    for r in sweep["runs"]:
        cells = " | ".join(cell(k, r["metrics"][k]) for k, _, _ in METRICS)
        lines.append(
            f"| {r['run']} | {r['init']} | {r['optimizer']} | {r['weights']} | {r['steps']} | {cells} | "
            f"{r['metrics']['classes_covered']} |"
        )
    lines += ["", "| model | setting | steps | seeds | " + " | ".join(label for _, label, _ in METRICS) + " |"]
    lines.append("|---|---|---:|---|" + "---:|" * len(METRICS))
    for model, f in sweep["families"].items():
        for name, s in (("tutorial recipe", f["recipe"]), ("--ema 0.999", f["moving_average"])):
            cells = " | ".join(cell(k, s[k]) for k, _, _ in METRICS)
            lines.append(f"| {model} | {name} | {f['steps']} | {', '.join(map(str, s['seeds']))} | {cells} |")
        lines.append(f"\n{model}: average better on {f['moving_average_better_on']}; default ema {f['default_ema']}\n")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=Path, help="folder of the run folders, their logs and evaluations")
    args = parser.parse_args()
    if args.runs:  # add (or replace) the runs of that folder; the runs recorded from other folders stay
        SWEEP.mkdir(exist_ok=True)
        known = (
            json.loads((SWEEP / "trainings.json").read_text())["runs"] if (SWEEP / "trainings.json").exists() else []
        )
        new = read_trainings(args.runs)
        record = {"runs": [r for r in known if r["run"] not in {n["run"] for n in new}] + new}
        (SWEEP / "trainings.json").write_text(json.dumps(record, indent=1) + "\n")
    sweep = build()
    (CONV / "sweep.json").write_text(json.dumps(sweep, indent=1) + "\n")
    print(tables(sweep))


if __name__ == "__main__":
    main()
