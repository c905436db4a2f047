"""Calibrate lesson 9's "it learned" check (the classifier's per-digit agreement): train the solution notebook's
networks with its loop over many seeds, and broken variants, exactly as the check does (``train_on_sample``);
write the agreements and times as JSON.

The correct code is the solution notebook's (its setup, solution and import-only cells, run as written);
each variant changes one piece of it: "broken", a mistake the bar must catch; "other", a mistake that still
trains a conditional GAN (the bar cannot catch it; the loop's contract check does); "legal", a correct
alternative, which must pass. So the bar's margins are measured, not assumed. Usage (one torch thread, as the
lesson runs):

    python scripts/calibrate_lesson9.py --seeds 0-9 --variants correct
    python scripts/calibrate_lesson9.py --seeds 0 --variants broken
    python scripts/calibrate_lesson9.py --seeds 0 --variants others

Each run is added to ``book/results/lesson_calibration/09_conditional_gan.json`` (atomically, under a lock; a
run already there for the same variant and seed is replaced), so seeds can be spread over several processes.
``--summarize`` recomputes the verdicts and the summary after the bar (``RUN``) changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import nbformat
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from calibrate_learned import classifier_fingerprint, merge_locked, parse_seeds, solution_namespace  # noqa: E402

from gan_lab.checks.learned_cgan import RUN, passes, train_on_sample  # noqa: E402

LESSON = "09_conditional_gan"
OUT = ROOT / "book" / "results" / "lesson_calibration" / f"{LESSON}.json"

# the solution's loop with one line changed: (what the solution has, what the variant has instead)
LOOP_EDITS = {
    "fakes_scored_with_real_labels": [  # the fakes judged (D and G steps) with the real batch's labels
        ("discriminator(x_fake.detach(), labels_fake)", "discriminator(x_fake.detach(), labels_real)"),
        ("logits_fake = discriminator(x_fake, labels_fake)", "logits_fake = discriminator(x_fake, labels_real)"),
    ],
    # the D step judges the fakes with labels drawn anew: D then learns that mismatched pairs are fake, which still
    # teaches G the classes (the mismatched pairs of Reed et al. 2016's GAN-CLS); the contract check names it
    "d_step_fakes_relabelled": [
        (
            "discriminator(x_fake.detach(), labels_fake)",
            "discriminator(x_fake.detach(), torch.randint(num_classes, (batch_size,), device=device))",
        ),
    ],
    "fake_labels_from_real_batch": [  # legal: the fakes drawn for the real batch's labels (gan_lab's trainer)
        ("labels_fake = torch.randint(num_classes, (batch_size,), device=device)", "labels_fake = labels_real"),
    ],
}
# a piece redefined: source run in the solution's namespace after its cells
SOURCES = {
    "generator_ignores_labels": """
class ConditionalGenerator(nn.Module):
    def __init__(self, latent_dim=64, num_classes=10, hidden=256):
        super().__init__()
        self.num_classes = num_classes
        self.net = nn.Sequential(
            nn.Linear(latent_dim + num_classes, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 2 * hidden),
            nn.LeakyReLU(0.2), nn.Linear(2 * hidden, 28 * 28), nn.Tanh(),
        )

    def forward(self, z, labels):
        y = torch.zeros(z.shape[0], self.num_classes, dtype=z.dtype, device=z.device)  # the labels never used
        return self.net(torch.cat([z, y], dim=1)).view(z.shape[0], 1, 28, 28)
""",
    "discriminator_without_labels": """
class ProjectionDiscriminator(nn.Module):
    def __init__(self, num_classes=10, hidden=256):
        super().__init__()
        self.phi = nn.Sequential(
            nn.Flatten(), nn.Linear(28 * 28, 2 * hidden), nn.LeakyReLU(0.2), nn.Linear(2 * hidden, hidden),
            nn.LeakyReLU(0.2),
        )
        self.psi = nn.Linear(hidden, 1)

    def forward(self, x, labels=None):
        return self.psi(self.phi(x))  # the labels never reach D
""",
}
OTHERS = {"d_step_fakes_relabelled"}
LEGAL = {"fake_labels_from_real_batch"}
VARIANTS = sorted({*LOOP_EDITS, *SOURCES})
BROKEN = [v for v in VARIANTS if v not in OTHERS | LEGAL]


def kind_of(variant: str) -> str:
    if variant == "correct":
        return "correct"
    return "other" if variant in OTHERS else ("legal" if variant in LEGAL else "broken")


def namespace_of(variant: str) -> dict:
    """The solution notebook's namespace with the variant's change applied."""
    namespace = solution_namespace(LESSON, "correct")
    if variant in SOURCES:
        exec(compile(SOURCES[variant], f"<variant {variant}>", "exec"), namespace)
    if variant in LOOP_EDITS:
        notebook = nbformat.read(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb", as_version=4)
        (source,) = [c.source for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "train_cgan"]
        for old, new in LOOP_EDITS[variant]:
            if old not in source:
                raise SystemExit(f"variant {variant}: the solution's loop no longer contains {old!r}")
            source = source.replace(old, new)
        exec(compile(source, f"<variant {variant}>", "exec"), namespace)
    return namespace


def run_one(variant: str, seed: int) -> dict:
    train_cgan = namespace_of(variant)["train_cgan"]
    row: dict = {"variant": variant, "kind": kind_of(variant), "seed": seed, "steps": RUN.steps}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        _, scores = train_on_sample(train_cgan, seed)
    except AssertionError as err:  # a broken variant may crash inside the loop
        scores, row["error"] = {}, str(err).splitlines()[0][:200]
    row["train_wall_s"] = round(time.perf_counter() - wall, 1)
    row["train_cpu_s"] = round(time.process_time() - cpu, 1)
    row.update(scores or {"agreement": [], "mean": 0.0, "min": 0.0, "diverged": "error" not in row})
    row["mean"], row["min"] = round(row["mean"], 4), round(row["min"], 4)
    row["classifier"] = classifier_fingerprint()
    row["passes"] = passes(row)
    return row


def summarize(runs: list[dict]) -> dict:
    out = {}
    for variant in sorted({r["variant"] for r in runs}):
        group = [r for r in runs if r["variant"] == variant]
        out[variant] = {
            "kind": kind_of(variant),
            "seeds": sorted(r["seed"] for r in group),
            "pass_now": sum(passes(r) for r in group),
            "mean_agreement": [min(r["mean"] for r in group), max(r["mean"] for r in group)],
            "weakest_digit": [min(r["min"] for r in group), max(r["min"] for r in group)],
            "train_cpu_s": [min(r["train_cpu_s"] for r in group), max(r["train_cpu_s"] for r in group)],
        }
    return out


def record(rows: list[dict]) -> None:
    """Merge ``rows`` into the calibration file; the verdicts and the summary are recomputed for the bar in the
    code (``--summarize`` alone does just that)."""

    def finish(data: dict) -> None:
        for row in data["runs"]:
            row["kind"], row["passes"] = kind_of(row["variant"]), passes(row)
        data["summary"] = summarize(data["runs"])
        data["bar"] = {"min_mean": RUN.min_mean, "min_digit": RUN.min_digit, "run": asdict(RUN)}

    merge_locked(OUT, rows, finish)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-9", help="'0-9' or '0,3,5'")
    parser.add_argument("--variants", default="correct", help="'correct', 'broken', 'others' or comma-separated names")
    parser.add_argument("--summarize", action="store_true", help="only recompute verdicts and summary for the bar")
    args = parser.parse_args(argv)
    if args.summarize:
        record([])
        return
    torch.set_num_threads(1)
    named = {"broken": BROKEN, "others": sorted(OTHERS | LEGAL)}
    variants = named.get(args.variants) or args.variants.split(",")
    for variant in variants:
        if variant != "correct" and variant not in VARIANTS:
            parser.error(
                f"unknown variant {variant!r}: expected correct, broken, others or one of {', '.join(VARIANTS)}"
            )
        for seed in parse_seeds(args.seeds):
            row = run_one(variant, seed)
            record([row])
            print(
                json.dumps({k: row[k] for k in ("variant", "seed", "mean", "min", "train_cpu_s", "passes")}), flush=True
            )


if __name__ == "__main__":
    main()
