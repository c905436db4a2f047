"""Calibrate lesson 8's "it learned" check (modes covered on the ring): train with the solution notebook's own
loop over many seeds, and with broken variants, exactly as the check does (``train_on_ring``); write the
modes covered, high-quality share and times as JSON.

The correct code is the solution notebook's (its setup, solution and import-only cells, run as written);
each broken variant redefines one function of it the way learners get it wrong, and passes the loop's
contract (the order of the optimizer steps, fresh noise), so only the learned bar can catch it. Usage (one
torch thread, as the lesson runs):

    python scripts/calibrate_lesson8.py --seeds 0-9 --variants correct
    python scripts/calibrate_lesson8.py --seeds 0 --variants broken
    python scripts/calibrate_lesson8.py --seeds 0 --variants others

Each run is added to ``book/results/lesson_calibration/08_wgan_gp.json`` (atomically, under a lock; a run
already there for the same variant and seed is replaced), so seeds can be spread over several processes.
``--summarize`` recomputes the verdicts and the summary after the bar (``RUN.min_modes``) changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from calibrate_learned import merge_locked, parse_seeds, solution_namespace  # noqa: E402

from gan_lab.checks.learned2d import RUN, train_on_ring  # noqa: E402

LESSON = "08_wgan_gp"
OUT = ROOT / "book" / "results" / "lesson_calibration" / f"{LESSON}.json"

# Broken variants: source that redefines one piece of the solution code in its namespace.
VARIANTS = {
    "no_penalty": """
def gradient_penalty(critic, x_real, x_fake):
    return x_real.new_zeros(())  # the penalty left out: an unconstrained critic
""",
    "no_create_graph": """
def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.shape[0], 1, device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat)  # no create_graph: the penalty trains nothing
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
""",
    "critic_loss_sign": """
def critic_loss(scores_real, scores_fake):
    return scores_real.mean() - scores_fake.mean()
""",
    "generator_loss_sign": """
def generator_loss(scores_fake):
    return scores_fake.mean()
""",
}
# Other mistakes that still train a GAN which covers the ring: the bar cannot catch them, the exercises' checks do
# (the penalty's check: "computed on the real points"; the losses' checks: "cross-entropy"). Recorded to say so.
OTHERS = {
    "penalty_on_real": """
def gradient_penalty(critic, x_real, x_fake):
    x_hat = x_real.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
""",
    "cross_entropy_losses": """
import torch.nn.functional as F


def critic_loss(scores_real, scores_fake):
    loss_real = F.binary_cross_entropy_with_logits(scores_real, torch.ones_like(scores_real))
    return loss_real + F.binary_cross_entropy_with_logits(scores_fake, torch.zeros_like(scores_fake))


def generator_loss(scores_fake):
    return F.binary_cross_entropy_with_logits(scores_fake, torch.ones_like(scores_fake))
""",
}
BROKEN = list(VARIANTS)
VARIANTS.update(OTHERS)


def run_one(variant: str, seed: int) -> dict:
    namespace = solution_namespace(LESSON, "correct")  # the notebook as written; a variant replaces one piece
    if variant in VARIANTS:
        exec(compile(VARIANTS[variant], f"<variant {variant}>", "exec"), namespace)
    kind = "correct" if variant == "correct" else ("other" if variant in OTHERS else "broken")
    row: dict = {"variant": variant, "kind": kind, "seed": seed, "steps": RUN.steps}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        _, scores = train_on_ring(namespace["train_wgan_gp"], seed)
    except AssertionError as err:  # a broken variant may crash inside the loop
        scores, row["error"] = {}, str(err).splitlines()[0][:200]
    row["train_wall_s"] = round(time.perf_counter() - wall, 1)
    row["train_cpu_s"] = round(time.process_time() - cpu, 1)
    row.update(scores or {"modes_covered": 0, "hq_share": 0.0, "counts": [], "diverged": "error" not in row})
    row["hq_share"] = round(row["hq_share"], 4)
    row["passes"] = row["modes_covered"] >= RUN.min_modes
    return row


def summarize(runs: list[dict]) -> dict:
    out = {}
    for variant in sorted({r["variant"] for r in runs}):
        group = [r for r in runs if r["variant"] == variant]
        out[variant] = {
            "kind": "correct" if variant == "correct" else ("other" if variant in OTHERS else "broken"),
            "seeds": sorted(r["seed"] for r in group),
            "pass_now": sum(r["modes_covered"] >= RUN.min_modes for r in group),
            "modes_covered": [min(r["modes_covered"] for r in group), max(r["modes_covered"] for r in group)],
            "hq_share": [min(r["hq_share"] for r in group), max(r["hq_share"] for r in group)],
            "train_cpu_s": [min(r["train_cpu_s"] for r in group), max(r["train_cpu_s"] for r in group)],
        }
    return out


def record(rows: list[dict]) -> None:
    """Merge ``rows`` into the calibration file; the verdicts and the summary are recomputed for the bar in the
    code (``--summarize`` alone does just that)."""

    def finish(data: dict) -> None:
        for row in data["runs"]:
            row["kind"] = (
                "correct" if row["variant"] == "correct" else ("other" if row["variant"] in OTHERS else "broken")
            )
            row["passes"] = row["modes_covered"] >= RUN.min_modes
        data["summary"] = summarize(data["runs"])
        data["bar"] = {"min_modes": RUN.min_modes, "of": 8, "run": RUN.__dict__}

    merge_locked(OUT, rows, finish)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-9", help="'0-9' or '0,3,5'")
    parser.add_argument("--variants", default="correct", help="'correct', 'broken' or comma-separated names")
    parser.add_argument("--summarize", action="store_true", help="only recompute verdicts and summary for the bar")
    args = parser.parse_args(argv)
    if args.summarize:
        record([])
        return
    torch.set_num_threads(1)
    named = {"broken": BROKEN, "others": list(OTHERS)}
    variants = named.get(args.variants) or args.variants.split(",")
    for variant in variants:
        if variant != "correct" and variant not in VARIANTS:
            parser.error(
                f"unknown variant {variant!r}: expected correct, broken, others or one of {', '.join(VARIANTS)}"
            )
        for seed in parse_seeds(args.seeds):
            row = run_one(variant, seed)
            record([row])
            print(json.dumps({k: row[k] for k in ("variant", "seed", "modes_covered", "hq_share", "train_cpu_s")}))


if __name__ == "__main__":
    main()
