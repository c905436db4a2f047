"""Training-step throughput of the ways in ``ways.py``, measured in one run so that only ratios are reported.

(a) the tutorial loop, (b) a bare loop over a tensor-resident dataset, (c) ``gan_lab``'s own loop with
its defaults, its fast path and (where bf16 is native) the fast path with bf16 autocast: ``ways.py``.

Per process (``--repeats``): every measurement runs in a fresh process (so its peak RSS is its own), with
``--threads`` torch threads, after ``--warmup`` untimed steps; the ways are interleaved within each repeat
so that the machine's load drifts over all of them alike. In one process (``--fine N``): every way built
once, then ``--steps`` (20) step chunks of each in turn for N rounds; each round gives one ratio, and the
summed times give the run's. Both print c/a and c/b (median, min, max) and the achieved GFLOP/s against
the FLOPs of a step counted by torch (``FlopCounterMode``).

Usage: ``python benchmarks/steps.py --models mlp,conv64 --repeats 3`` (``make bench`` runs it);
``--fine 10``; ``--smoke`` runs each way for two steps of the MLP (a test uses it; it times nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ways import BATCH, flops_per_image, runner, ways_on, write_idx


def measure(
    way: str, model: str, steps: int, warmup: int, device: str, idx_root: str, options: tuple[str, ...] = ()
) -> dict:
    """Images per second of ``steps`` full training steps (D step + G step) done ``way``, in this process."""
    run = runner(way, model, max(steps, warmup), device, idx_root, options)
    return _timed(way, model, BATCH[model], steps, device, lambda: run(max(warmup, 1)), lambda: run(steps))


def fine(
    model: str, rounds: int, chunk: int, device: str, idx_root: str, options: tuple[str, ...] = ()
) -> dict[str, list[float]]:
    """All ways in one process, ``chunk`` steps each in turn for ``rounds`` rounds: the finest interleaving.

    Returns each way's seconds per round. On a machine whose load drifts within seconds, per-process
    measurements differ by several times from one to the next; chunks of a second or so see the same load.
    """
    import torch

    # a GPU runs ahead of the host: each chunk ends when its kernels have (a no-op on the CPU)
    sync = torch.cuda.synchronize if device.startswith("cuda") else lambda: None
    runs = {w: runner(w, model, chunk, device, idx_root, options) for w in ways_on(device)}
    seconds: dict[str, list[float]] = {w: [] for w in runs}
    for run in runs.values():
        run(chunk)  # warm-up
    for _ in range(rounds):
        for way, run in runs.items():
            sync()
            t0 = time.perf_counter()
            run(chunk)
            sync()
            seconds[way].append(time.perf_counter() - t0)
    return seconds


def fine_report(model: str, seconds: dict[str, list[float]], chunk: int, gflop: float) -> dict:
    """Images/s of each way over all rounds; c/a and c/b over all rounds and per round (median, min, max)."""
    images = chunk * BATCH[model]
    ips = {w: len(s) * images / sum(s) for w, s in seconds.items()}
    print(model, "  ".join(f"{w} {v:.0f}" for w, v in ips.items()), "images/s")
    report = {"model": model, "images_per_s": ips, "seconds_per_round": seconds, "gflop_per_image": gflop}
    for c in [w for w in ips if w.startswith("gan_lab")]:
        per_round = {base: [t / s for s, t in zip(seconds[c], seconds[base])] for base in ("tutorial", "bare")}
        ratio = {base: ips[c] / ips[base] for base in per_round}
        report[c] = {"c_over_a": ratio["tutorial"], "c_over_b": ratio["bare"], "per_round": per_round}
        line = f"{model:8} {c:12} c/a {ratio['tutorial']:.2f} [rounds {_spread(per_round['tutorial'])}]"
        line += f"  c/b {ratio['bare']:.2f} [rounds {_spread(per_round['bare'])}]"
        print(line + (f"  {ips[c] * gflop:.1f} GFLOP/s" if gflop else ""))
    return report


def _timed(way: str, model: str, batch: int, steps: int, device: str, warm, timed) -> dict:
    import torch

    warm()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    timed()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    peak = (
        torch.cuda.max_memory_allocated() / 2**20
        if device.startswith("cuda")
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux -> MiB
    )
    return {"way": way, "model": model, "images_per_s": steps * batch / seconds, "peak_mib": peak}


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3g} (min {min(values):.3g}, max {max(values):.3g})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="mlp,conv64,dcgan", help="comma-separated models")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats of the three ways")
    parser.add_argument("--steps", type=int, default=0, help="timed steps (0: mlp 200, conv64 20, dcgan 4)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps before timing")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per process")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--data-dir", default="", help="a folder with MNIST/raw IDX files (else the sample)")
    parser.add_argument("--json", default="", help="also write every measurement to this JSON file")
    parser.add_argument("--smoke", action="store_true", help="two steps of the mlp each way: checks, no timing")
    parser.add_argument("--fine", type=int, default=0, help="N rounds of every way in one process, chunked")
    parser.add_argument("--options", default="", help="extra gan_lab_fast options, e.g. channels_last,compile")
    parser.add_argument("--one", default="", help=argparse.SUPPRESS)  # internal: one measurement, as JSON
    parser.add_argument("--idx-root", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    options = tuple(o for o in args.options.split(",") if o)
    if args.one:
        import torch

        torch.set_num_threads(args.threads)
        way, model = args.one.split(":")
        print(json.dumps(measure(way, model, args.steps, args.warmup, args.device, args.idx_root, options)))
        return 0
    if args.fine:
        reports = []
        with tempfile.TemporaryDirectory(prefix="gan-lab-bench-") as tmp:
            idx_root = str(write_idx(Path(tmp), args.data_dir))
            for model in args.models.split(","):
                import torch

                torch.set_num_threads(args.threads)
                seconds = fine(model, args.fine, args.steps or 20, args.device, idx_root, options)
                reports.append(fine_report(model, seconds, args.steps or 20, flops_per_image(model) / 1e9))
        if args.json:
            Path(args.json).write_text(json.dumps({"fine": reports}, indent=2) + "\n")
        return 0
    models = ["mlp"] if args.smoke else args.models.split(",")
    default_steps = {"mlp": 200, "conv64": 20, "dcgan": 4, "dcgan28": 20}
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads)}
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="gan-lab-bench-") as tmp:
        idx_root = write_idx(Path(tmp), args.data_dir)
        for model in models:
            steps = 2 if args.smoke else args.steps or default_steps.get(model, 10)
            warmup = 0 if args.smoke else args.warmup
            for _ in range(1 if args.smoke else args.repeats):
                for way in ways_on(args.device):
                    cmd = [sys.executable, __file__, "--one", f"{way}:{model}", "--steps", str(steps)]
                    cmd += ["--warmup", str(warmup), "--threads", str(args.threads), "--device", args.device]
                    cmd += ["--idx-root", str(idx_root), "--options", args.options]
                    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
                    results.append(json.loads(out.strip().splitlines()[-1]))
    summary: list[dict] = []
    print(f"{'model':8} {'way':9} {'images/s':>32}  {'peak MiB':>8}")
    for model in models:
        rows = {w: [r for r in results if r["model"] == model and r["way"] == w] for w in ways_on(args.device)}
        for way, rs in rows.items():
            peak = max(r["peak_mib"] for r in rs)
            print(f"{model:8} {way:9} {_spread([r['images_per_s'] for r in rs]):>32}  {peak:8.0f}")
        ips = {w: [r["images_per_s"] for r in rs] for w, rs in rows.items()}
        gflop = 0.0 if args.smoke else flops_per_image(model) / 1e9
        for c in [w for w in rows if w.startswith("gan_lab")]:
            c_a = [x / a for x, a in zip(ips[c], ips["tutorial"])]
            c_b = [x / b for x, b in zip(ips[c], ips["bare"])]
            print(f"{model:8} {c:12} c/a {_spread(c_a)}   c/b {_spread(c_b)}")
            summary.append({"model": model, "way": c, "c_over_a": c_a, "c_over_b": c_b, "gflop_per_image": gflop})
            if gflop:
                print(f"{model:8} {c:12} {gflop:.3f} GFLOP/image/step: {statistics.median(ips[c]) * gflop:.1f} GFLOP/s")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": results, "ratios": summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
