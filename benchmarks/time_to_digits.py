"""Time to good digits: wall time and steps until a generator's samples first reach a stated quality.

The mark: classifier FID (features of the project's MNIST classifier, ``gan_lab.classifier``) of ``--n``
samples against ``--n`` held-out real digits within ``--factor`` (5) times the real-vs-real floor (the
FID of ``--n`` training digits against the same held-out digits), and all 10 classes covered
(``gan_lab.metrics.mode_coverage``). Checked every ``--every`` steps; only training time is counted
(the clock stops while a check runs).

Two loops, on the same data: ``gan_lab`` (``gan_lab.train.train_one_epoch`` on a TrainState, the loop
``gan-lab train`` runs; ``--options fused_adam,joint_d_pass`` turns on its fast path) and ``tutorial``
(torchvision's MNIST from IDX files with transforms, a DataLoader, two D passes, ``.item()`` every step;
``benchmarks/steps.py``).

Usage: ``python benchmarks/time_to_digits.py --loop gan_lab --model mlp --num-threads 1 --json out.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import steps

from gan_lab import metrics
from gan_lab.checkpoint import TrainState
from gan_lab.classifier import load_classifier
from gan_lab.config import TrainConfig
from gan_lab.data import load_dataset
from gan_lab.evaluate import classify, generate
from gan_lab.plots import save_grid
from gan_lab.train import train_one_epoch, training_nets


class Reached(Exception):
    """Raised from inside the loop when the mark is reached (the loop has no other way out mid-epoch)."""


class Judge:
    """The mark, checked every ``every`` steps; keeps the training clock and the history of checks."""

    def __init__(self, args: argparse.Namespace, device: torch.device) -> None:
        self.args, self.device = args, device
        self.classifier = load_classifier(device=device)
        heldout = load_dataset(args.dataset, 28, args.data_dir, device, "heldout").images
        train = load_dataset(args.dataset, 28, args.data_dir, device, "train").images
        pick = torch.Generator().manual_seed(0)
        self.ref = classify(self.classifier, heldout[torch.randperm(len(heldout), generator=pick)[: args.n]])[0]
        real = classify(self.classifier, train[torch.randperm(len(train), generator=pick)[: args.n]])[0]
        self.floor = metrics.fid_from_features(real, self.ref)  # (n, 64) features each
        self.steps, self.seconds, self.history = 0, 0.0, []
        self.t0 = time.perf_counter()

    def step(self, generator: torch.nn.Module, latent_dim: int) -> None:
        self.steps += 1
        if self.steps % self.args.every and self.steps < self.args.max_steps:
            return
        self.seconds += time.perf_counter() - self.t0  # the clock stops while checking
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        generator.eval()
        images = generate(generator, self.args.n, latent_dim, seed=1, device=self.device)
        generator.train()
        feats, logits = classify(self.classifier, images)
        fid = metrics.fid_from_features(feats, self.ref)
        covered = metrics.mode_coverage(logits.argmax(1))["classes_covered"]
        self.history.append({"step": self.steps, "seconds": self.seconds, "fid": fid, "classes": covered})
        print(f"step {self.steps}: {self.seconds:.1f} s, FID {fid:.2f} (mark {self.mark:.2f}), {covered} classes")
        if (
            fid <= self.mark
            and covered == 10
            or self.steps >= self.args.max_steps
            or self.seconds >= self.args.max_seconds
        ):
            self.images = images
            raise Reached
        self.t0 = time.perf_counter()

    def start(self) -> None:
        """Start the training clock (after the loop's own setup: data, networks)."""
        self.t0 = time.perf_counter()

    @property
    def mark(self) -> float:
        return self.args.factor * self.floor


def run_gan_lab(args: argparse.Namespace, judge: Judge, device: torch.device) -> None:
    options = dict.fromkeys((o for o in args.options.split(",") if o), True)
    # the tutorial recipe's maths (no moving average, no smoothing), as the tutorial loop it races does
    cfg = TrainConfig(
        model=args.model,
        dataset=args.dataset,
        data_dir=args.data_dir,
        device=str(device),
        ema=0.0,
        real_label=1.0,
        **options,
    )
    cfg = cfg.resolved()
    images = load_dataset(cfg.dataset, cfg.image_size, cfg.data_dir, device, "train").images
    torch.manual_seed(cfg.seed)
    state = TrainState.create(cfg, images.shape[1], device)
    nets = training_nets(state)
    judge.start()
    try:
        while True:
            train_one_epoch(state, images, lambda: judge.step(state.generator, cfg.latent_dim), nets)
    finally:
        if args.checkpoint:  # for `gan-lab evaluate` and `gan-lab sample`
            state.save(args.checkpoint)


def run_tutorial(args: argparse.Namespace, judge: Judge, device: torch.device) -> None:
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    generator, discriminator, opt_g, opt_d, size = steps._setup(args.model, str(device))
    tf = [transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))]
    if size != 28:
        tf.insert(0, transforms.Resize(size))
    with tempfile.TemporaryDirectory(prefix="gan-lab-digits-") as tmp:
        root = steps.write_idx(Path(tmp), args.data_dir if args.dataset != "sample" else "")
        data = datasets.MNIST(str(root), train=True, download=False, transform=transforms.Compose(tf))
        loader = DataLoader(data, batch_size=steps.BATCH[args.model], shuffle=True, drop_last=True)
        judge.start()
        while True:
            for x_real, _ in loader:
                steps._tutorial_step(generator, discriminator, opt_g, opt_d, x_real.to(device), sync=True)
                judge.step(generator, 100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loop", choices=("gan_lab", "tutorial"), default="gan_lab")
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--options", default="", help="gan_lab TrainConfig flags, e.g. fused_adam,joint_d_pass")
    parser.add_argument("--dataset", default="mnist", help="mnist (full, from --data-dir) or sample")
    parser.add_argument("--data-dir", default="../shared/datasets")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--num-threads", type=int, default=1)
    parser.add_argument("--n", type=int, default=1000, help="samples (and real digits) per check")
    parser.add_argument("--factor", type=float, default=5.0, help="the mark: FID <= factor x real-vs-real")
    parser.add_argument("--every", type=int, default=250, help="steps between checks")
    parser.add_argument("--max-steps", type=int, default=100_000)
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="give up after this much training")
    parser.add_argument("--checkpoint", default="", help="gan_lab loop: save the run's checkpoint here at the end")
    parser.add_argument("--json", default="", help="write the result here (and a PNG grid beside it)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.num_threads)
    torch.manual_seed(0)
    device = torch.device(args.device)
    judge = Judge(args, device)
    try:
        (run_gan_lab if args.loop == "gan_lab" else run_tutorial)(args, judge, device)
    except Reached:
        pass
    last = judge.history[-1]
    result = {
        **{k: getattr(args, k) for k in ("loop", "model", "options", "dataset", "device", "num_threads", "n")},
        "floor_fid": judge.floor,
        "mark_fid": judge.mark,
        "reached": last["fid"] <= judge.mark and last["classes"] == 10,
        "steps": last["step"],
        "seconds": last["seconds"],
        "history": judge.history,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "history"}))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
        save_grid(judge.images[:64], Path(args.json).with_suffix(".png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
