"""Calibrate the "it learned" checks of the training lessons: train with the lesson's own solution code
over many seeds, and with the common broken variants, inside the lesson's budget; score every generator
with ``gan_lab.checks.learned.score_generator``; write the scores and times as JSON. Each row also
records the check of the pieces the run trained with (``gan_lab.checks.learned_audit``, the first half of
``check_learned``): ``passes_bar`` is the image bar alone, ``passes`` the whole check.

The correct code is the solution notebook's, run as the instructor wrote it (its setup, solution and
import-only cells); each broken variant redefines one function of that code the way learners get it
wrong. Usage (one torch thread, as the lessons run):

    python scripts/calibrate_learned.py --lesson 03_training_step --seeds 0-9 --variants correct
    python scripts/calibrate_learned.py --lesson 03_training_step --seeds 0-2 --variants broken

Each run appends to ``book/results/lesson_calibration/<lesson>.json`` (atomically; a run already there
for the same variant and seed is replaced), so the seeds can be spread over several processes.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gan_lab.checks.learned import BARS, passes, score_generator  # noqa: E402
from gan_lab.checks.learned_audit import audit  # noqa: E402
from gan_lab.checks.learned_loop import RUNS, train_lesson_run  # noqa: E402
from gan_lab.classifier import WEIGHTS_PATH  # noqa: E402
from gan_lab.data import load_dataset  # noqa: E402
from gan_lab.plots import save_grid  # noqa: E402
from gan_lab.runtime import atomic_write_text  # noqa: E402

# The lesson's run: the networks the notebook builds, the loop's name and the arguments of its run cell.
LESSONS = {
    "03_training_step": {
        "loop": "train_gan",
        "networks": ("MLPGenerator", "MLPDiscriminator"),
        "image_size": 28,
        "steps": 1500,
        "batch_size": 64,
        "max_samples": 0,
    },
    "04_conv_gan_64": {
        "loop": "train_conv64",
        "networks": ("Conv64Generator", "Conv64Discriminator"),
        "image_size": 64,
        "steps": 800,
        "batch_size": 32,
        "max_samples": 0,
    },
    "05_dcgan_gpu": {  # a GPU run: python scripts/calibrate_learned.py --lesson 05_dcgan_gpu --device cuda
        "loop": "train_dcgan",
        "networks": ("build_dcgan",),  # build_dcgan(latent_dim, channels, device) -> generator, discriminator, ...
        "image_size": 64,
        "steps": 1000,
        "batch_size": 128,
        "max_samples": 0,
    },
}

# Broken variants: source that redefines one piece of the solution code in its namespace.
VARIANTS = {
    "no_detach": """
def d_step(discriminator, opt_d, x_real, x_fake):
    opt_d.zero_grad()
    loss_d = discriminator_loss(discriminator(x_real), discriminator(x_fake))  # x_fake not detached
    loss_d.backward()
    opt_d.step()
    return loss_d.detach()
""",
    "saturating_loss": """
def generator_loss_non_saturating(logits_fake):
    return -F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))  # log(1 - D(G(z)))
""",
    "no_zero_grad": """
def d_step(discriminator, opt_d, x_real, x_fake):
    loss_d = discriminator_loss(discriminator(x_real), discriminator(x_fake.detach()))
    loss_d.backward()  # no opt_d.zero_grad(): gradients pile up over the steps
    opt_d.step()
    return loss_d.detach()


def g_step(discriminator, opt_g, x_fake):
    loss_g = generator_loss_non_saturating(discriminator(x_fake))
    loss_g.backward()  # no opt_g.zero_grad()
    opt_g.step()
    return loss_g.detach()
""",
    "g_step_fills_d_grads": """
def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    loss_g = generator_loss_non_saturating(discriminator(x_fake))  # D not frozen: its .grad gets filled
    loss_g.backward()
    opt_g.step()
    return loss_g.detach()
""",
    "g_step_fills_d_grads_no_d_zero_grad": """
def g_step(discriminator, opt_g, x_fake):
    opt_g.zero_grad()
    loss_g = generator_loss_non_saturating(discriminator(x_fake))  # D not frozen: its .grad gets filled
    loss_g.backward()
    opt_g.step()
    return loss_g.detach()


def d_step(discriminator, opt_d, x_real, x_fake):
    loss_d = discriminator_loss(discriminator(x_real), discriminator(x_fake.detach()))
    loss_d.backward()  # no zero_grad: the G step's gradients in D's .grad are applied too
    opt_d.step()
    opt_d.zero_grad()  # zero_grad after the step, as some tutorials write it
    return loss_d.detach()
""",
    "swapped_labels": """
def discriminator_loss(logits_real, logits_fake):
    loss_real = F.binary_cross_entropy_with_logits(logits_real, torch.zeros_like(logits_real))  # real -> 0
    loss_fake = F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))  # fake -> 1
    return loss_real + loss_fake
""",
    "g_loss_target_zero": """
def generator_loss_non_saturating(logits_fake):
    return F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))  # target 0: helps D
""",
}


def solution_namespace(lesson: str, variant: str) -> dict:
    """The notebook's setup, solution and import-only cells run in one namespace, then the variant's code."""
    nb = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    namespace: dict = {"__name__": f"solution_{lesson}"}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade"):
            continue
        lines = [x for x in cell.source.splitlines() if x.strip() and not x.lstrip().startswith("#")]
        import_only = all(x.startswith(("import ", "from ")) for x in lines)
        if meta.get("solution") or meta.get("grade_id") == "setup" or import_only:
            exec(compile(cell.source, f"<{lesson}:{meta.get('grade_id', 'code')}>", "exec"), namespace)
    if variant != "correct":
        exec(compile(VARIANTS[variant], f"<variant {variant}>", "exec"), namespace)
    return namespace


def classifier_fingerprint() -> str:
    """The classifier weights' SHA-256, 12 hex digits: scores made with other weights do not compare."""
    return hashlib.sha256(WEIGHTS_PATH.read_bytes()).hexdigest()[:12]


def audit_variant(lesson: str, variant: str) -> str:
    """'passed', or the hint ``check_learned`` gives for the pieces this variant trains with."""
    loop = LESSONS[lesson]["loop"]
    try:
        audit(solution_namespace(lesson, variant)[loop], loop, loop)
    except AssertionError as err:
        return str(err)
    return "passed"


def train_other(namespace: dict, spec: dict, seed: int, steps: int, device: str) -> torch.nn.Module:
    """A run the grader does not make (lesson 5's GPU run, another step count), in the run cell's order."""
    data = load_dataset("sample", image_size=spec["image_size"], max_samples=spec["max_samples"], device=device)
    torch.manual_seed(seed)
    if spec["networks"] == ("build_dcgan",):
        generator, discriminator, _, _ = namespace["build_dcgan"](100, 1, torch.device(device))
    else:
        generator, discriminator = (namespace[name]().to(device) for name in spec["networks"])
    if "init_weights" in namespace:  # the conv lesson initialises both networks with the learner's function
        namespace["init_weights"](generator)
        namespace["init_weights"](discriminator)
    namespace[spec["loop"]](generator, discriminator, data.images, steps, batch_size=spec["batch_size"], latent_dim=100)
    return generator


def run_one(
    lesson: str, variant: str, seed: int, steps: int, grid_dir: Path | None = None, device: str = "cpu"
) -> dict:
    spec = LESSONS[lesson]
    namespace = solution_namespace(lesson, variant)
    row: dict = {
        "variant": variant,
        "seed": seed,
        "steps": steps,
        "device": device,
        "classifier": classifier_fingerprint(),
    }
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        if lesson in RUNS and steps == RUNS[lesson].steps:  # the very run the grader's check makes
            generator = train_lesson_run(namespace[spec["loop"]], lesson, seed, device)
        else:
            generator = train_other(namespace, spec, seed, steps, device)
    except Exception as err:  # a broken variant may crash (no detach: backward through the graph twice)
        row["error"] = f"{type(err).__name__}: {str(err).splitlines()[0]}"
    row["train_wall_s"] = round(time.perf_counter() - wall, 1)
    row["train_cpu_s"] = round(time.process_time() - cpu, 1)
    if "error" not in row:
        if grid_dir is not None:  # what the learner would see at the end of the run
            generator.eval()
            with torch.no_grad():
                z = torch.randn(64, 100, generator=torch.Generator().manual_seed(0))
                save_grid(generator(z), grid_dir / f"{lesson}_{variant}_seed{seed}.png", nrow=8)
        scores = score_generator(generator)
        row.update({k: (round(v, 4) if isinstance(v, float) else v) for k, v in scores.items()})
    row["audit"] = audit_variant(lesson, variant)
    return row


def summarize(runs: list[dict], bar) -> dict:
    """Per variant, step count and classifier: seeds, how many pass, and the range of each score and time.

    Rows scored with other classifier weights than the current ones are summarized apart (``classifier``:
    the weights' fingerprint; "unrecorded" for rows from before the fingerprint was kept).
    """
    out: dict = {}
    current = classifier_fingerprint()
    for key in sorted({(r["variant"], r["steps"], r.get("classifier", "unrecorded")) for r in runs}):
        group = [r for r in runs if (r["variant"], r["steps"], r.get("classifier", "unrecorded")) == key]
        scored = [r for r in group if "error" not in r]
        entry = {
            "seeds": sorted(r["seed"] for r in group),
            "pass_now": sum(1 for r in group if r["passes"]),  # the whole check: the pieces, then the bar
            "pass_bar": sum(1 for r in scored if passes(r, bar)),  # the bar on the images alone
            "audit": sorted({r["audit"] for r in group}),
            "errors": len(group) - len(scored),
            "train_cpu_s": [min(r["train_cpu_s"] for r in group), max(r["train_cpu_s"] for r in group)],
        }
        for name in ("fid", "confidence", "classes_covered"):
            if scored:
                entry[name] = [min(r[name] for r in scored), max(r[name] for r in scored)]
        weights = (
            ""
            if key[2] == current
            else f", classifier {key[2]}, not the current one (its scores do not compare with the bar)"
        )
        out[f"{key[0]} @ {key[1]} steps{weights}"] = entry
    return out


def parse_seeds(text: str) -> list[int]:
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(s) for s in text.split(",")]


def merge_locked(path: Path, rows: list[dict], finish) -> None:
    """Merge ``rows`` into the JSON file at ``path`` under an exclusive lock (several calibration processes may
    share it): a row of the same variant and seed replaces the old one; ``finish(data)`` then recomputes the
    verdicts, summary and bar for the checks in the code now, and the file is written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(Path(tempfile.gettempdir()) / f"{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(path.read_text()) if path.exists() else {"runs": []}
        new = {(x["variant"], x["seed"]) for x in rows}
        keep = [r for r in data["runs"] if (r["variant"], r["seed"]) not in new]
        data["runs"] = sorted(keep + rows, key=lambda r: (r["variant"] != "correct", r["variant"], r["seed"]))
        finish(data)
        data["hardware"] = f"{platform.machine()} CPU, 1 torch thread, shared machine (nice 10)"
        data["torch"] = torch.__version__
        data["updated"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        atomic_write_text(path, json.dumps(data, indent=1) + "\n")


def record(path: Path, lesson: str, rows: list[dict], command: str) -> None:
    """Merge ``rows`` into the calibration file (same variant and seed: replaced) and write it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(
        Path(tempfile.gettempdir()) / f"{path.name}.lock", "w"
    ) as lock:  # several calibration processes may share the file
        fcntl.flock(lock, fcntl.LOCK_EX)
        _merge(path, lesson, rows, command)


def _merge(path: Path, lesson: str, rows: list[dict], command: str) -> None:
    data = json.loads(path.read_text()) if path.is_file() else {"runs": []}
    keep = {(r["variant"], r["seed"], r["steps"]) for r in rows}
    data["runs"] = [r for r in data["runs"] if (r["variant"], r["seed"], r["steps"]) not in keep] + rows
    data["runs"].sort(key=lambda r: (r["variant"] != "correct", r["variant"], r["steps"], r["seed"]))
    audits = {v: audit_variant(lesson, v) for v in {r["variant"] for r in data["runs"]}}
    for r in data["runs"]:  # against the checks in the code now, which may have changed since the run
        r["audit"] = audits[r["variant"]]
        r["passes_bar"] = "error" not in r and passes(r, BARS[lesson])
        r["passes"] = r["passes_bar"] and r["audit"] == "passed"
    spec = LESSONS[lesson]
    data.update(
        lesson=lesson,
        bar={k: v for k, v in vars(BARS[lesson]).items()},
        run={k: v for k, v in spec.items()},
        hardware=f"{platform.machine()} CPU, 2 cores shared with other jobs; one torch thread, nice 10"
        + (f"; {torch.cuda.get_device_name()}" if torch.cuda.is_available() else ""),
        torch=torch.__version__,
        note=(
            "train_cpu_s is the CPU time of the training process (one thread): the budget a learner's "
            "machine needs; train_wall_s is wall time here, inflated by the other jobs on the 2 cores"
        ),
        updated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    data["summary"] = summarize(data["runs"], BARS[lesson])
    data.setdefault("commands", [])
    if command not in data["commands"]:
        data["commands"].append(command)
    atomic_write_text(path, json.dumps(data, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lesson", choices=sorted(LESSONS), required=True)
    parser.add_argument("--seeds", default="0-9", help="e.g. 0-9 or 0,3,7")
    parser.add_argument("--variants", default="correct", help="correct, broken (all broken ones) or a comma list")
    parser.add_argument("--steps", type=int, default=0, help="0: the lesson's budget")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--grids", type=Path, default=None, help="save each run's final 8x8 sample grid here")
    parser.add_argument("--device", default="cpu", help="cpu, or cuda for lesson 5's GPU run")
    parser.add_argument("--summarize", action="store_true", help="only rewrite the file's summary with the current bar")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    variants = {"broken": list(VARIANTS), "correct": ["correct"]}.get(args.variants, args.variants.split(","))
    unknown = [v for v in variants if v != "correct" and v not in VARIANTS]
    if unknown:
        print(f"error: unknown variants {unknown}: expected correct or one of {', '.join(VARIANTS)}", file=sys.stderr)
        return 2
    steps = args.steps or LESSONS[args.lesson]["steps"]
    out = args.out or ROOT / "book" / "results" / "lesson_calibration" / f"{args.lesson}.json"
    command = "OMP_NUM_THREADS=1 nice -n 10 python scripts/calibrate_learned.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    if args.summarize:
        record(out, args.lesson, [], command)
        return 0
    for variant in variants:
        for seed in parse_seeds(args.seeds):
            row = run_one(args.lesson, variant, seed, steps, args.grids, args.device)
            print(json.dumps(row), flush=True)
            record(out, args.lesson, [row], command)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
