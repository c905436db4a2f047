"""The full-MNIST MLP sweep: the plain tutorial recipe against the stabilisers, at equal steps, over seeds.

    python scripts/mlp_sweep.py [--runs /work/runs/mlpsweep]

Each training is one run with ``--ema 0.999`` (which leaves the trained networks bit-identical, see
``tests/test_evaluate.py``) and one ``--real-label``; ``gan-lab evaluate --weights raw`` scores its trained
generator (the tutorial recipe when ``--real-label 1.0``) and ``--weights ema`` its moving average, so
each run yields two settings at exactly the same steps. With ``--runs``, the training commands and
wall times are first read from the run folders and their logs into ``sweep/trainings.json``. Then
``sweep.json`` is rebuilt from that file and the evaluation JSONs in ``sweep/``, and the table of
medians (and ranges) over seeds is printed as Markdown.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "book" / "results" / "full_mnist"
SWEEP = RESULTS / "sweep"
TRAIN_SIZE = 60000  # full MNIST's training digits; the loader drops the last incomplete batch
# a run folder: [<extra axis>_]rl<real_label>_s<seed>, its checkpoint copied after epoch N as <run>_epochN.pt;
# the evaluations of either: <name>_raw.json and <name>_ema.json
NAME = re.compile(r"^([a-z0-9.-]+_)?rl[0-9.]+_s\d+(_epoch\d+)?$")
# (metric key, label, larger is better)
METRICS = (
    ("inception_score", "IS", True),
    ("fid", "FID", False),
    ("kid", "KID", False),
    ("precision", "precision", True),
    ("recall", "recall", True),
    ("max_share_deviation", "largest class share off 10% (points)", False),
)


def setting(cfg: dict, weights: str) -> str:
    """The flags that make a setting, relative to the plain tutorial recipe (``cfg``: the run's train config)."""
    flags = [f"--ema {cfg['ema']:g}"] if weights == "ema" else []
    flags += [f"--real-label {cfg['real_label']:g}"] if cfg["real_label"] != 1.0 else []
    flags += [f"--lr-d {cfg['lr_d']:g}"] if cfg["lr_d"] else []
    return " ".join(flags) or "tutorial recipe"


def read_trainings(runs: Path) -> list[dict]:
    """Command, seed, epochs, steps and wall time of every finished training in ``runs``."""
    rows = []
    for config_file in sorted(runs.glob("*/config.json")):
        run = config_file.parent
        if not NAME.match(run.name) or not (run / "checkpoint.pt").exists():
            continue
        cfg = json.loads(config_file.read_text())
        log = (runs / f"{run.name}.log").read_text()
        epoch_s = [float(s) for s in re.findall(r"^epoch \d+/\d+ .* ([0-9.]+) s$", log, flags=re.M)]
        flags = f"--ema {cfg['ema']:g} --real-label {cfg['real_label']:g}"
        flags += f" --lr-d {cfg['lr_d']:g}" if cfg["lr_d"] else ""
        command = (
            f"gan-lab train --model mlp --dataset mnist --data-dir <MNIST folder> --epochs {cfg['epochs']} "
            f"--num-threads 1 {flags} --seed {cfg['seed']} --out runs/{run.name}"
        )
        # the run's last checkpoint once it has all its epochs, and copies of earlier ones (<run>_epochN.pt)
        stages = {int(p.stem.rsplit("_epoch", 1)[1]): p.stem for p in runs.glob(f"{run.name}_epoch*.pt")}
        stages |= {cfg["epochs"]: run.name} if len(epoch_s) >= cfg["epochs"] else {}
        for epochs, name in sorted(stages.items()):
            rows.append(
                {
                    "run": name,
                    "train_command": command,
                    "note": f"its checkpoint after epoch {epochs}, copied"
                    if name != run.name
                    else f"trained to epoch {', then '.join(map(str, stages))} with --resume (exact)"
                    if len(stages) > 1
                    else "",
                    "seed": cfg["seed"],
                    "epochs": epochs,
                    "steps": epochs * (TRAIN_SIZE // cfg["batch_size"]),
                    "train_wall_minutes": round(sum(epoch_s[:epochs]) / 60, 1),
                }
            )
    return rows


def checkpoint(run: str) -> str:
    """Where a run's checkpoint lies: its folder's last one, or the copy of an earlier epoch beside the folder."""
    return f"runs/{run}.pt" if "_epoch" in run else f"runs/{run}/checkpoint.pt"


def metrics_of(evaluation: dict) -> dict[str, float]:
    m = evaluation["model_vs_heldout"]
    n = sum(m["histogram"])
    deviation = max(abs(c / n - 0.1) for c in m["histogram"]) * 100
    return {**{k: m[k] for k, _, _ in METRICS if k in m}, "max_share_deviation": round(deviation, 2)} | {
        "classes_covered": m["classes_covered"]
    }


def earlier_rows(rows: list[dict]) -> list[dict]:
    """The full-MNIST MLP runs recorded before the sweep (full_mnist_runs.json): the same settings, trained apart.

    A run with ``--ema`` trains exactly as one without it, so these are equal-steps rows like the sweep's own; where
    the sweep has the same setting, steps and seed, its row is kept and this one only says whether it reproduces it.
    """
    record = json.loads((RESULTS / "full_mnist_runs.json").read_text())
    added = []
    for run in record["runs"]:
        ev = json.loads((RESULTS / run["evaluation"]).read_text())
        if ev["model"] != "mlp" or "/" in run["evaluation"]:  # a sweep row itself, or a longer run (long/)
            continue
        weights = "ema" if ev["train_config"]["ema"] else "raw"
        row = {
            "setting": setting(ev["train_config"], weights),
            "weights": weights,
            "run": run["label"],
            "train_command": run["train_command"],
            "note": "recorded before the sweep, in full_mnist_runs.json",
            "seed": ev["train_config"]["seed"],
            "epochs": run["epochs"],
            "steps": run["steps"],
            "train_wall_minutes": run["train_wall_minutes"],
            "evaluation": run["evaluation"],
            "evaluate_command": run["evaluate_command"],
            "metrics": metrics_of(ev),
        }
        key = (row["setting"], row["steps"], row["seed"])
        same = [r for r in rows if (r["setting"], r["steps"], r["seed"]) == key]
        if same:
            same[0]["reproduces"] = {"evaluation": run["evaluation"], "equal": same[0]["metrics"] == row["metrics"]}
        else:
            added.append(row)
    return added


def build() -> dict:
    """sweep.json: every evaluation with its training, and each setting's median and range over seeds."""
    trainings = {t["run"]: t for t in json.loads((SWEEP / "trainings.json").read_text())["runs"]}
    rows = []
    for path in sorted(SWEEP.glob("*_raw.json")) + sorted(SWEEP.glob("*_ema.json")):
        run, weights = path.stem.rsplit("_", 1)
        if not NAME.match(run) or run not in trainings:
            continue
        ev = json.loads(path.read_text())
        assert ev["weights"] == weights, f"{path} scored {ev['weights']}, its name says {weights}"
        rows.append(
            {
                "setting": setting(ev["train_config"], weights),
                "weights": weights,
                **trainings[run],
                "evaluation": f"sweep/{path.name}",
                "evaluate_command": f"gan-lab evaluate --checkpoint {checkpoint(run)} --weights {weights} "
                f"--n {ev['n']} --num-threads 1",
                "metrics": metrics_of(ev),
            }
        )
    rows += earlier_rows(rows)
    settings = []
    for name, steps in sorted(dict.fromkeys((r["setting"], r["steps"]) for r in rows), key=lambda k: -k[1]):
        of = [r for r in rows if (r["setting"], r["steps"]) == (name, steps)]
        settings.append(
            {
                "setting": name,
                "steps": steps,
                "epochs": of[0]["epochs"],
                "seeds": sorted(r["seed"] for r in of),
                **{
                    k: {
                        "median": statistics.median(r["metrics"][k] for r in of),
                        "min": min(r["metrics"][k] for r in of),
                        "max": max(r["metrics"][k] for r in of),
                    }
                    for k, _, _ in METRICS
                },
            }
        )
    for s in settings:  # against the tutorial recipe at the same steps, on the same seeds
        tutorial = [r for r in rows if r["setting"] == "tutorial recipe" and r["steps"] == s["steps"]]
        paired = [r for r in tutorial if r["seed"] in s["seeds"]]
        if paired and s["setting"] != "tutorial recipe":
            medians = {k: {"median": statistics.median(r["metrics"][k] for r in paired)} for k, _, _ in METRICS}
            s["better_than_tutorial_on_median"] = better_on(s, medians)
    choice = choose(settings)
    floor = json.loads((RESULTS / rows[0]["evaluation"]).read_text()) if rows else {}  # the same in every file
    return {
        "what": "full-MNIST MLP, 10 epochs at batch 64 (and its checkpoint after epoch 5), trained with --ema 0.999 "
        "and evaluated twice: --weights raw (the trained generator: with --real-label 1.0, the plain tutorial recipe: "
        "BCE non-saturating, Adam 2e-4 / beta1 0.5, no smoothing, no EMA, no augmentation) and --weights ema (its "
        "moving average, with the warm-up decay_t = min(0.999, (1 + t) / (10 + t)) of gan_lab/ema.py), so each pair "
        "of settings is compared at exactly the same steps; n = 10,000 against the 10,000 test digits",
        "generated_by": "python scripts/mlp_sweep.py",
        "hardware": "2-core x86_64 CPU shared with two other one-thread jobs (load average 1-4), one torch thread, "
        "nice 10, one training or evaluation at a time; wall time: the sum of the per-epoch times the training printed",
        "floor": metrics_of({"model_vs_heldout": floor["floor_train_vs_heldout"]}) if rows else {},
        "heldout_inception_score": floor.get("heldout_inception_score"),
        "rule": "a setting replaces the tutorial recipe as the MLP's defaults only if, at the sweep's longest "
        "training, its median over seeds beats the tutorial recipe's on most metrics; of those, the one better than "
        "it on the most metrics; a tie goes to the one better than the other on more metrics, then to fewer flags",
        "choice": choice,
        "settings": settings,
        "runs": rows,
    }


def better_on(a: dict, b: dict) -> list[str]:
    """The metrics on which setting ``a``'s median is better than ``b``'s."""
    return [
        label
        for k, label, up in METRICS
        if a[k]["median"] != b[k]["median"] and (a[k]["median"] > b[k]["median"]) == up
    ]


def choose(settings: list[dict]) -> dict | None:
    """The setting the rule picks at the longest training, with its --ema and --real-label; None: keep the recipe.

    The rule: better than the tutorial recipe on most metrics (medians over the same seeds); of those, the one
    better than it on the most metrics; a tie goes to the one better than the other on more metrics (head to
    head), then to the one with fewer flags: the smaller change to the recipe.
    """
    if not settings:
        return None
    longest = max((s["steps"] for s in settings if s["setting"] == "tutorial recipe"), default=0)
    winners = [
        s
        for s in settings
        if s["steps"] == longest and len(s.get("better_than_tutorial_on_median", [])) > len(METRICS) / 2
    ]
    if not winners:
        return None
    most = max(len(s["better_than_tutorial_on_median"]) for s in winners)
    tied = [s for s in winners if len(s["better_than_tutorial_on_median"]) == most]
    head_to_head = {
        s["setting"]: sum(len(better_on(s, o)) > len(better_on(o, s)) for o in tied if o is not s) for s in tied
    }
    best = max(tied, key=lambda s: (head_to_head[s["setting"]], -len(s["setting"].split())))
    flags = best["setting"].split()
    value = dict(zip(flags[::2], (float(v) for v in flags[1::2])))
    return {
        "setting": best["setting"],
        "epochs": best["epochs"],
        "steps": best["steps"],
        "seeds": best["seeds"],
        "better_on": best["better_than_tutorial_on_median"],
        "tied_with": [
            {
                "setting": o["setting"],
                "it_is_better_on": better_on(best, o),
                "the_other_is_better_on": better_on(o, best),
            }
            for o in tied
            if o is not best
        ],
        "ema": value.get("--ema", 0.0),
        "real_label": value.get("--real-label", 1.0),
    }


def table(sweep: dict) -> str:
    """Median (min to max) over seeds of each setting; the real digits' floor last."""
    head = "| setting | epochs (steps) | seeds | " + " | ".join(label for _, label, _ in METRICS) + " |"
    lines = [head, "|---|---:|---|" + "---:|" * len(METRICS)]
    for s in sweep["settings"]:
        cells = []
        for k, _, _ in METRICS:
            v = s[k]
            fmt = "{:.2f}" if k in ("inception_score", "precision", "recall") else "{:.1f}"
            spread = f" ({fmt.format(v['min'])}-{fmt.format(v['max'])})" if len(s["seeds"]) > 1 else ""
            cells.append(fmt.format(v["median"]) + spread)
        label = f"`{s['setting']}`" if s["setting"].startswith("--") else s["setting"]
        seeds = ", ".join(str(x) for x in s["seeds"])
        lines.append(f"| {label} | {s['epochs']} ({s['steps']:,}) | {seeds} | " + " | ".join(cells) + " |")
    f = sweep["floor"]
    if f:
        lines.append(
            f"| *real training digits (floor)* | | | {f['inception_score']:.2f} | {f['fid']:.1f} | {f['kid']:.1f} | "
            f"{f['precision']:.2f} | {f['recall']:.2f} | {f['max_share_deviation']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=Path, help="folder of the sweep's run folders and training logs")
    args = parser.parse_args()
    if args.runs:
        record = {"runs": read_trainings(args.runs)}
        (SWEEP / "trainings.json").write_text(json.dumps(record, indent=1) + "\n")
    sweep = build()
    (RESULTS / "sweep.json").write_text(json.dumps(sweep, indent=1) + "\n")
    print(table(sweep))


if __name__ == "__main__":
    main()
