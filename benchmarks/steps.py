"""Training-step throughput in three ways, measured in one run so that only ratios are reported.

(a) ``tutorial``: the loop a tutorial writes (PyTorch's DCGAN example, adapted to logits):
    ``torchvision.datasets.MNIST`` read from IDX files with ToTensor/Resize/Normalize transforms, a
    ``DataLoader``, two discriminator passes with two backward calls, and ``.item()`` logging every step.
(b) ``bare``: the same model, optimizer and steps over a tensor-resident dataset (a random permutation
    per epoch), no DataLoader, no per-step host sync.
(c) ``gan_lab``: the loop ``gan-lab train`` runs (``gan_lab.train.train_one_epoch`` on a
    ``TrainState`` built from a ``TrainConfig``) with the defaults, and ``gan_lab_fast`` with the fast
    path on (``--fused-adam --joint-d-pass``); ``--options`` adds more (e.g. ``channels_last,compile``
    on a GPU). Steps are counted over whole epochs of a tensor-resident dataset.

Every measurement runs in a fresh process (so its peak RSS is its own), with ``--threads`` torch threads,
after ``--warmup`` untimed steps; the three ways are interleaved within each repeat so that the machine's
load drifts over all of them alike. Offline, the IDX files that (a) reads are written from the shipped
sample (or copied from a full MNIST folder given with ``--data-dir``), so (a)'s data path is torchvision's
real one.

Usage: ``python benchmarks/steps.py --models mlp,conv64 --repeats 3`` (``make bench`` runs it);
``--fine 10`` runs every way in one process, 20-step chunks in turn for 10 rounds (ratios on a machine
whose load drifts); ``--smoke`` runs each way for two steps of the MLP (a test uses it; it times nothing meaningful).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WAYS = ("tutorial", "bare", "gan_lab", "gan_lab_fast")
FAST = ("fused_adam", "joint_d_pass")  # the CPU fast path; GPU options are added with --options
BATCH = {"mlp": 64, "conv64": 128, "dcgan": 128, "dcgan28": 256}


def write_idx(root: Path, data_dir: str = "") -> Path:
    """MNIST as torchvision's ``MNIST/raw`` IDX files under ``root``: the full set if found, else the sample."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    names = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    source = Path(data_dir) / "MNIST" / "raw" if data_dir else None
    if source is not None and all((source / n).is_file() for n in names):
        for n in names:
            shutil.copyfile(source / n, raw / n)
        return root
    import numpy as np

    from gan_lab.data import load_sample_uint8

    for prefix, split in (("train", "train"), ("t10k", "heldout")):
        images, labels = load_sample_uint8(split)
        n, h, w = images.shape
        # IDX: magic (0x0803 images, 0x0801 labels), big-endian int32 sizes, then the raw uint8 bytes
        header = np.array([0x0803, n, h, w], dtype=">i4").tobytes()
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(header + images.astype(np.uint8).tobytes())
        header = np.array([0x0801, n], dtype=">i4").tobytes()
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(header + labels.astype(np.uint8).tobytes())
    return root


def _setup(model: str, device: str, seed: int = 0):
    import torch

    from gan_lab.models import IMAGE_SIZES, build_models

    torch.manual_seed(seed)
    generator, discriminator = build_models(model)
    generator, discriminator = generator.to(device), discriminator.to(device)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    return generator, discriminator, opt_g, opt_d, IMAGE_SIZES[model]


def _tutorial_step(generator, discriminator, opt_g, opt_d, x_real, sync: bool):
    """One step as tutorials write it: D on real, D on detached fake, two backward calls, then G."""
    import torch
    import torch.nn.functional as F

    n = x_real.shape[0]
    ones = torch.ones(n, 1, device=x_real.device)
    zeros = torch.zeros(n, 1, device=x_real.device)
    discriminator.zero_grad()
    loss_real = F.binary_cross_entropy_with_logits(discriminator(x_real), ones)
    loss_real.backward()
    x_fake = generator(torch.randn(n, 100, device=x_real.device))
    loss_fake = F.binary_cross_entropy_with_logits(discriminator(x_fake.detach()), zeros)
    loss_fake.backward()
    opt_d.step()
    generator.zero_grad()
    loss_g = F.binary_cross_entropy_with_logits(discriminator(x_fake), ones)
    loss_g.backward()
    opt_g.step()
    if sync:  # the per-step logging line of every tutorial: one host sync per value
        return (loss_real + loss_fake).item(), loss_g.item()
    return None


def _batches_forever(make_epoch):
    while True:
        yield from make_epoch()


def _gan_lab_epoch(model: str, steps: int, device: str, options: tuple[str, ...]):
    """``run(n)``: ``train_one_epoch`` over n batches, on one TrainState built as ``gan-lab train`` builds it."""
    import torch

    from gan_lab.checkpoint import TrainState
    from gan_lab.config import TrainConfig
    from gan_lab.data import load_dataset
    from gan_lab.train import train_one_epoch, training_nets

    # the tutorial step's maths (no moving average, no smoothing), whatever the model's defaults
    cfg = TrainConfig(
        model=model, batch_size=BATCH[model], device=device, ema=0.0, real_label=1.0, **dict.fromkeys(options, True)
    )
    cfg = cfg.resolved()
    images = load_dataset("sample", cfg.image_size, device=device).images  # (N, 1, size, size), resident
    images = images.repeat(-(-steps * cfg.batch_size // len(images)), 1, 1, 1)  # at least ``steps`` batches
    if cfg.channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    torch.manual_seed(0)
    state = TrainState.create(cfg, 1, torch.device(device))
    nets = training_nets(state)
    # the epoch's one host sync; a fixed head of the images: the permutation is of the n batches' images
    return lambda n: train_one_epoch(state, images[: n * cfg.batch_size], nets=nets).sum().item()


def runner(way: str, model: str, steps: int, device: str, idx_root: str, options: tuple[str, ...] = ()):
    """``run(n)``: n full training steps (D step + G step) done ``way`` (n <= ``steps`` for gan_lab)."""
    import torch

    batch = BATCH[model]
    if way.startswith("gan_lab"):
        return _gan_lab_epoch(model, steps, device, FAST + options if way == "gan_lab_fast" else ())
    generator, discriminator, opt_g, opt_d, size = _setup(model, device)
    if way == "tutorial":
        from torch.utils.data import DataLoader
        from torchvision import datasets, transforms

        tf = [transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))]
        if size != 28:
            tf.insert(0, transforms.Resize(size))
        data = datasets.MNIST(idx_root, train=True, download=False, transform=transforms.Compose(tf))
        loader = DataLoader(data, batch_size=batch, shuffle=True, drop_last=True)
        stream = (x.to(device) for x, _ in _batches_forever(lambda: iter(loader)))

        def step() -> None:
            _tutorial_step(generator, discriminator, opt_g, opt_d, next(stream), sync=True)

    else:
        from gan_lab.data import batches, load_dataset

        images = load_dataset("sample", size, device=device).images  # (N, 1, size, size), resident
        rng = torch.Generator().manual_seed(0)
        stream = _batches_forever(lambda: batches(images, batch, rng))

        def step() -> None:
            _tutorial_step(generator, discriminator, opt_g, opt_d, next(stream), sync=False)

    def run(n: int) -> None:
        for _ in range(n):
            step()

    return run


def measure(
    way: str, model: str, steps: int, warmup: int, device: str, idx_root: str, options: tuple[str, ...] = ()
) -> dict:
    """Images per second of ``steps`` full training steps (D step + G step) done ``way``, in this process."""
    run = runner(way, model, max(steps, warmup), device, idx_root, options)
    return _timed(way, model, BATCH[model], steps, device, lambda: run(max(warmup, 1)), lambda: run(steps))


def fine(model: str, rounds: int, chunk: int, device: str, idx_root: str, options: tuple[str, ...] = ()) -> dict:
    """All ways in one process, ``chunk`` steps each in turn for ``rounds`` rounds: the finest interleaving.

    On a machine whose load drifts within seconds, per-process measurements differ by several times from
    one to the next; chunks of a second or so see the same load, and the summed times compare like for like.
    """
    runs = {w: runner(w, model, chunk, device, idx_root, options) for w in WAYS}
    seconds = dict.fromkeys(WAYS, 0.0)
    for run in runs.values():
        run(chunk)  # warm-up
    for _ in range(rounds):
        for way, run in runs.items():
            t0 = time.perf_counter()
            run(chunk)
            seconds[way] += time.perf_counter() - t0
    return {w: rounds * chunk * BATCH[model] / s for w, s in seconds.items()}


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


def flops_per_image(model: str) -> float:
    """FLOPs of one training step (D step + G step, forward and backward) per image, counted by torch."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    generator, discriminator, opt_g, opt_d, size = _setup(model, "cpu")
    x_real = torch.rand(4, 1, size, size) * 2 - 1
    with FlopCounterMode(display=False) as counter:
        _tutorial_step(generator, discriminator, opt_g, opt_d, x_real, sync=False)
    return counter.get_total_flops() / 4


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
    if args.one:
        import torch

        torch.set_num_threads(args.threads)
        way, model = args.one.split(":")
        options = tuple(o for o in args.options.split(",") if o)
        print(json.dumps(measure(way, model, args.steps, args.warmup, args.device, args.idx_root, options)))
        return 0
    if args.fine:
        with tempfile.TemporaryDirectory(prefix="gan-lab-bench-") as tmp:
            idx_root = str(write_idx(Path(tmp), args.data_dir))
            for model in args.models.split(","):
                import torch

                torch.set_num_threads(args.threads)
                ips = fine(model, args.fine, args.steps or 20, args.device, idx_root)
                print(model, "  ".join(f"{w} {v:.0f}" for w, v in ips.items()), "images/s")
                print(
                    model,
                    "c/a",
                    {c: round(ips[c] / ips["tutorial"], 2) for c in WAYS[2:]},
                    "c/b",
                    {c: round(ips[c] / ips["bare"], 2) for c in WAYS[2:]},
                )
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
                for way in WAYS:
                    cmd = [sys.executable, __file__, "--one", f"{way}:{model}", "--steps", str(steps)]
                    cmd += ["--warmup", str(warmup), "--threads", str(args.threads), "--device", args.device]
                    cmd += ["--idx-root", str(idx_root), "--options", args.options]
                    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
                    results.append(json.loads(out.strip().splitlines()[-1]))
    summary: list[dict] = []
    print(f"{'model':8} {'way':9} {'images/s':>32}  {'peak MiB':>8}")
    for model in models:
        rows = {w: [r for r in results if r["model"] == model and r["way"] == w] for w in WAYS}
        for way, rs in rows.items():
            peak = max(r["peak_mib"] for r in rs)
            print(f"{model:8} {way:9} {_spread([r['images_per_s'] for r in rs]):>32}  {peak:8.0f}")
        ips = {w: [r["images_per_s"] for r in rs] for w, rs in rows.items()}
        gflop = 0.0 if args.smoke else flops_per_image(model) / 1e9
        for c in ("gan_lab", "gan_lab_fast"):
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
