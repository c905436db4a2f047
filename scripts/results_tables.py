"""README's results tables, printed from the committed result files (``tests/test_readme_tables.py`` checks them).

Usage (from the repository root):
    python scripts/results_tables.py            # every table, each under its README heading
    python scripts/results_tables.py --only sample_runs

The README's numbers are copies of these tables, never typed by hand: change a result file, run this
script, paste its output, and the test says whether README still agrees with ``book/results/``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from gan_lab.models import model_spec

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "book" / "results"
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))  # the sibling scripts that own the formats of their tables
# the options every sample run shares; the table's header names them once
COMMON = {"--dataset": "sample", "--num-threads": "1", "--seed": "0"}


def _variants_table(dataset: str) -> str:
    """The loss-variant table of ``scripts/train_variants.py`` (one home for its format)."""
    import train_variants  # a sibling script, importable from SCRIPTS

    return train_variants.table(train_variants.results_dir(dataset))


def _flags(train_command: str) -> str:
    """A training command without ``gan-lab train``, the shared options and the run folder."""
    words, kept = shlex.split(train_command)[2:], []
    while words:
        word = words.pop(0)
        if word in COMMON or word == "--out":
            words.pop(0)  # the option's value
            continue
        kept.append(word)
    return shlex.join(kept)


def sample_runs(results: Path = RESULTS) -> str:
    """The shipped sample's reference runs: one row each, then the real-vs-real floor at 28x28 and 64x64."""
    reference = json.loads((results / "reference_runs.json").read_text())
    rows = [
        "| model | training command (`gan-lab train ... --dataset sample --num-threads 1 --seed 0`) | epochs (steps) "
        "| wall time | IS (target) | IS of held-out real digits | FID | FID / floor | KID | precision | recall | classes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    floors: dict[int, dict] = {}
    for row in reference["runs"]:
        ev = json.loads((results / row["evaluation"]).read_text())
        m = ev["model_vs_heldout"]
        floors.setdefault(model_spec(ev["model"]).image_size, ev["floor_train_vs_heldout"])
        rows.append(
            f"| {row['label']} | `{_flags(row['train_command'])}` | {ev['epochs']} ({row['steps']:,}) "
            f"| {row['train_wall_minutes']:.0f} min | {m['inception_score']:.2f} ({row['is_target']}) "
            f"| {ev['heldout_inception_score']:.2f} | {m['fid']:.1f} | {ev['fid_ratio_to_floor']:.1f} | {m['kid']:.1f} "
            f"| {m['precision']:.2f} | {m['recall']:.2f} | {m['classes_covered']} |"
        )
    small, large = floors[28], floors[64]  # (28x28), (64x64 round trip)
    rows.append(
        f"| real training digits (floor) | | | | {small['inception_score']:.2f} (28x28) / {large['inception_score']:.2f} "
        f"(64x64 round trip) | | {small['fid']:.2f} / {large['fid']:.2f} | 1 | {small['kid']:.1f} / {large['kid']:.1f} "
        f"| {small['precision']:.2f} | {small['recall']:.2f} | {small['classes_covered']} |"
    )
    return "\n".join(rows)


def sample_stabilisers(results: Path = RESULTS) -> str:
    """Each stabiliser against the run it changes, on the sample."""
    reference = json.loads((results / "reference_runs.json").read_text())
    rows = [
        "| model, epochs | flags added | IS | FID | precision | recall | KL to uniform | verdict |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in reference["ablations"]:
        m = json.loads((results / row["evaluation"]).read_text())["model_vs_heldout"]
        rows.append(
            f"| {row['model']}, {row['epochs']} | `{row['flags'] or '(baseline)'}` | {m['inception_score']:.2f} "
            f"| {m['fid']:.1f} | {m['precision']:.2f} | {m['recall']:.2f} | {m['kl_to_uniform']:.3f} | {row['verdict']} |"
        )
    return "\n".join(rows)


def full_mnist_equal_work(results: Path = RESULTS) -> str:
    """The convolutional families' tutorial recipe against their moving average at equal steps, over seeds."""
    from conv_sweep import METRICS, cell  # a sibling script, importable from SCRIPTS

    sweep = json.loads((results / "full_mnist" / "conv" / "sweep.json").read_text())
    rows = [
        "| model | setting | steps | seeds | " + " | ".join(label for _, label, _ in METRICS) + " |",
        "|---|---|---:|---|" + "---:|" * len(METRICS),
    ]
    for model, family in sweep["families"].items():
        for name, s in (("tutorial recipe", family["recipe"]), ("`--ema 0.999`", family["moving_average"])):
            cells = " | ".join(cell(k, s[k]) for k, _, _ in METRICS)
            rows.append(f"| {model} | {name} | {family['steps']} | {', '.join(map(str, s['seeds']))} | {cells} |")
    floor = next(iter(sweep["families"].values()))["floor"]  # 28x28; the 64x64 floors are within 0.03 of it
    rows.append(
        "| *real training digits (floor)* | | | | " + " | ".join(cell(k, floor[k]) for k, _, _ in METRICS) + " |"
    )
    return "\n".join(rows)


TABLES = {
    "full_mnist_equal_work": full_mnist_equal_work,
    "sample_runs": sample_runs,
    "sample_stabilisers": sample_stabilisers,
    "variants_mnist": lambda: _variants_table("mnist"),
    "variants_sample": lambda: _variants_table("sample"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(TABLES), default=list(TABLES))
    for name in parser.parse_args().only:
        print(f"<!-- {name}: python scripts/results_tables.py --only {name} -->\n{TABLES[name]()}\n")


if __name__ == "__main__":
    main()
