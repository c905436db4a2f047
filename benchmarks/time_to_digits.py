"""Time to good digits: wall time and steps until a generator's samples first reach a stated quality.

Two marks, both judged on ``--n`` samples (features and labels from the project's MNIST classifier,
``gan_lab.classifier``) at every check:

- ``fid``: classifier FID against ``--n`` held-out real digits within ``--factor`` (5) times the
  real-vs-real floor (the FID of ``--n`` training digits against the same held-out digits), and all 10
  classes covered (``gan_lab.metrics.mode_coverage``). Near-real digits; out of reach of the MLP on
  one CPU thread in minutes (``BENCHMARKS.md``).
- ``digits``: what a learner calls good digits: most samples lie on the real digits' manifold
  (precision >= ``--min-precision``, Kynkaanniemi et al. 2019), the classifier reads each one
  confidently as one digit and the classes are spread (Inception Score over the n samples as one split
  >= ``--min-is``, of at most 10), every class is drawn (10 covered) and none much more than the others
  (KL of the class histogram to uniform <= ``--max-kl``). It asks nothing of recall (the variety within
  each class), which takes far longer.

Checked every ``--every`` steps; only training time is counted (the clock stops while a check runs).
The run stops when both marks are reached, or at ``--max-steps`` / ``--max-seconds``.

Two loops, on the same data: ``gan_lab`` (``gan_lab.train.train_one_epoch`` on a TrainState, the loop
``gan-lab train`` runs; ``--options fused_adam,joint_d_pass`` turns on its fast path) and ``tutorial``
(torchvision's MNIST from IDX files with transforms, a DataLoader, two D passes, ``.item()`` every step;
``benchmarks/ways.py``). ``--recipe tutorial`` (default) trains gan_lab with the tutorial's maths (no
moving average, no smoothing); ``--recipe defaults`` with the model's own defaults (for the MLP a moving
average of the generator, which the checks then sample, as ``gan-lab train`` does).

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

import ways

from gan_lab import metrics
from gan_lab.checkpoint import TrainState
from gan_lab.classifier import load_classifier
from gan_lab.config import TrainConfig
from gan_lab.data import load_dataset
from gan_lab.ema import recalibrate_batchnorm
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
        # the same measures of real training digits: what the digits mark's thresholds are read against
        self.real = self.measure(
            *classify(self.classifier, train[torch.randperm(len(train), generator=pick)[: args.n]])
        )
        self.reached: dict[str, dict | None] = {"fid": None, "digits": None}
        self.steps, self.seconds, self.history = 0, 0.0, []
        self.t0 = time.perf_counter()

    def measure(self, feats: torch.Tensor, logits: torch.Tensor) -> dict:
        """Every measure the marks read, of n images' classifier features (n, 64) and logits (n, 10)."""
        precision, recall = metrics.precision_recall(self.ref, feats)
        coverage = metrics.mode_coverage(logits.argmax(1))
        return {
            "fid": metrics.fid_from_features(feats, self.ref),
            "inception_score": metrics.inception_score(logits, splits=1)[0],
            "precision": precision,
            "recall": recall,
            "classes": coverage["classes_covered"],
            "kl_to_uniform": coverage["kl_to_uniform"],
        }

    def marks(self, m: dict) -> dict[str, bool]:
        a = self.args
        good = m["inception_score"] >= a.min_is and m["precision"] >= a.min_precision and m["kl_to_uniform"] <= a.max_kl
        return {"fid": m["fid"] <= self.mark and m["classes"] == 10, "digits": good and m["classes"] == 10}

    def step(self, sampler, latent_dim: int) -> None:
        """After each training step; every ``every`` steps check ``sampler()``, the generator samples come from."""
        self.steps += 1
        if self.steps % self.args.every and self.steps < self.args.max_steps:
            return
        self.seconds += time.perf_counter() - self.t0  # the clock stops while checking
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        generator = sampler()
        was_training = generator.training
        generator.eval()
        images = generate(generator, self.args.n, latent_dim, seed=1, device=self.device)
        generator.train(was_training)
        m = {"step": self.steps, "seconds": self.seconds, **self.measure(*classify(self.classifier, images))}
        self.history.append(m)
        for name, hit in self.marks(m).items():
            if hit and self.reached[name] is None:
                self.reached[name] = {"step": self.steps, "seconds": self.seconds}
                if self.args.json:  # what the mark looks like: the samples that first met it
                    save_grid(images[:64], Path(self.args.json).with_name(f"{Path(self.args.json).stem}_{name}.png"))
        print(
            f"step {self.steps}: {self.seconds:.1f} s, FID {m['fid']:.2f} (mark {self.mark:.2f}), IS "
            f"{m['inception_score']:.2f}, precision {m['precision']:.2f}, recall {m['recall']:.2f}, "
            f"{m['classes']} classes, KL {m['kl_to_uniform']:.3f}; reached {[k for k, v in self.reached.items() if v]}",
            flush=True,
        )
        done = all(self.reached.values())
        if done or self.steps >= self.args.max_steps or self.seconds >= self.args.max_seconds:
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
    # --recipe tutorial: the tutorial's maths (no moving average, no smoothing), as the loop it races does
    recipe = {"ema": 0.0, "real_label": 1.0} if args.recipe == "tutorial" else {}
    cfg = TrainConfig(
        model=args.model, dataset=args.dataset, data_dir=args.data_dir, device=str(device), **recipe, **options
    )
    cfg = cfg.resolved()
    images = load_dataset(cfg.dataset, cfg.image_size, cfg.data_dir, device, "train").images
    torch.manual_seed(cfg.seed)
    state = TrainState.create(cfg, images.shape[1], device)
    nets = training_nets(state)

    def sampler() -> torch.nn.Module:
        """The generator samples come from: the moving average (its BatchNorm statistics recomputed) if kept."""
        if state.generator_ema is None:
            return state.generator
        return recalibrate_batchnorm(state.generator_ema, cfg.latent_dim, seed=cfg.seed + 2)

    judge.start()
    try:
        while True:
            train_one_epoch(state, images, lambda: judge.step(sampler, cfg.latent_dim), nets)
    finally:
        if args.checkpoint:  # for `gan-lab evaluate` and `gan-lab sample`
            state.save(args.checkpoint)


def run_tutorial(args: argparse.Namespace, judge: Judge, device: torch.device) -> None:
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    generator, discriminator, opt_g, opt_d, size = ways.setup(args.model, str(device))
    tf = [transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))]
    if size != 28:
        tf.insert(0, transforms.Resize(size))
    with tempfile.TemporaryDirectory(prefix="gan-lab-digits-") as tmp:
        root = ways.write_idx(Path(tmp), args.data_dir if args.dataset != "sample" else "")
        data = datasets.MNIST(str(root), train=True, download=False, transform=transforms.Compose(tf))
        loader = DataLoader(data, batch_size=ways.BATCH[args.model], shuffle=True, drop_last=True)
        judge.start()
        while True:
            for x_real, _ in loader:
                ways.tutorial_step(generator, discriminator, opt_g, opt_d, x_real.to(device), sync=True)
                judge.step(lambda: generator, 100)


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
    parser.add_argument("--min-is", type=float, default=7.0, help="digits mark: Inception Score at least this")
    parser.add_argument("--min-precision", type=float, default=0.7, help="digits mark: precision at least this")
    parser.add_argument("--max-kl", type=float, default=0.1, help="digits mark: class KL to uniform at most this")
    parser.add_argument("--recipe", choices=("tutorial", "defaults"), default="tutorial", help="gan_lab loop's maths")
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
        **{k: getattr(args, k) for k in ("loop", "recipe", "model", "options", "dataset", "device", "num_threads")},
        **{k: getattr(args, k) for k in ("n", "every", "factor", "min_is", "min_precision", "max_kl")},
        "floor_fid": judge.floor,
        "mark_fid": judge.mark,
        "real_digits": judge.real,  # the training digits' own measures against the held-out ones
        "reached": judge.reached,  # per mark: the first check that met it (step, training seconds), or None
        "steps": last["step"],
        "seconds": last["seconds"],
        "steps_per_s": last["step"] / last["seconds"],
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
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
