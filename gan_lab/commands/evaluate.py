"""``gan-lab evaluate``: measure a trained generator against held-out real digits (see ``gan_lab.evaluate``)."""

from __future__ import annotations

import datetime
import glob
import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from gan_lab import metrics
from gan_lab.checkpoint import WEIGHTS, load_run
from gan_lab.classifier import WEIGHTS_PATH, load_classifier
from gan_lab.config import DataOptions, TrainConfig
from gan_lab.data import load_dataset
from gan_lab.evalplots import (
    discriminator_outputs,
    nearest_neighbours,
    plot_d_histograms,
    save_nearest_neighbour_grid,
    save_training_gif,
)
from gan_lab.evaluate import classify, compare, format_per_class, format_table, generate, per_class, to_classifier_input
from gan_lab.latent import TRUNCATION_HELP
from gan_lab.models import model_spec
from gan_lab.runtime import GanLabError, atomic_write_text, expect_suffix


@dataclass
class EvaluateConfig(DataOptions):
    """Measure a trained generator against held-out real digits: FID, KID, IS, precision/recall, mode coverage."""

    checkpoint: str = field(default="", metadata={"help": "checkpoint.pt written by 'gan-lab train' (required)"})
    n: int = field(
        default=10000,
        metadata={
            "help": "generated images (capped at the size of the train split, so the real-vs-real floor uses the same n)"
        },
    )
    out: str = field(
        default="", metadata={"help": "JSON file to write (default: evaluation.json beside the checkpoint)"}
    )
    classifier: str = field(
        default="", metadata={"help": "classifier weights (default: the committed gan_lab/weights/mnist_classifier.pt)"}
    )
    data_dir: str = field(
        default="", metadata={"help": "where full MNIST is cached (default: the checkpoint's own data_dir)"}
    )
    figures: str = field(
        default="",
        metadata={"help": "also write the nearest-neighbour grid, training GIF and D histograms into this folder"},
    )
    stages: str = field(
        default="",
        metadata={
            "help": "glob of checkpoints of the same run saved at several epochs, for the D(x)/D(G(z)) histograms"
        },
    )
    kid_subsets: int = field(default=100, metadata={"help": "KID: number of random subsets"})
    kid_subset_size: int = field(default=1000, metadata={"help": "KID: images per subset (capped at the set sizes)"})
    seed: int = field(default=0, metadata={"help": "seed for the noise z and the random subsets"})
    truncation: float = field(default=0.0, metadata={"help": TRUNCATION_HELP})
    # raw on a run kept with --ema: the plain recipe's generator, at exactly the steps of its average
    weights: str = field(
        default="auto",
        metadata={
            "help": "generator scored: auto (the moving average when the run kept one, else the trained one), "
            "ema (the moving average), raw (the trained generator)",
            "choices": WEIGHTS,
        },
    )


def run(cfg: EvaluateConfig) -> dict:
    """Generate, classify, compare with held-out digits; print a table, write JSON (and figures)."""
    if not cfg.checkpoint:
        raise GanLabError("--checkpoint is required: the checkpoint.pt of a run made by 'gan-lab train'")
    if cfg.n < 10:
        raise GanLabError(f"--n must be at least 10 (the Inception Score uses 10 splits), got {cfg.n}")
    if cfg.kid_subsets < 1 or cfg.kid_subset_size < 2:
        raise GanLabError(
            f"expected --kid-subsets >= 1 and --kid-subset-size >= 2, got {cfg.kid_subsets} and {cfg.kid_subset_size}"
        )
    device = cfg.setup()  # the shared options first, checked in one place
    # what would fail only at the end, after minutes of work, fails now
    if cfg.out:
        expect_suffix("--out", cfg.out, ".json")
    if cfg.figures and Path(cfg.figures).exists() and not Path(cfg.figures).is_dir():
        raise GanLabError(f"--figures must be a folder (the figures go into it), got the file {cfg.figures}")
    if cfg.stages and not glob.glob(cfg.stages):
        raise GanLabError(f"--stages {cfg.stages!r} matches no file")
    t0 = time.perf_counter()
    trained = load_run(cfg.checkpoint, device)
    weights, generator = trained.weights(cfg.weights)
    train_cfg = trained.config
    if train_cfg.dataset == "fashion-mnist":
        raise GanLabError("the metrics use an MNIST digit classifier: they are meaningless for a Fashion-MNIST model")
    spec = model_spec(train_cfg.model)
    if spec.conditional and cfg.stages:
        raise GanLabError("--stages draws D(x) without labels: it is for unconditional models only")
    classifier = load_classifier(cfg.classifier or WEIGHTS_PATH, device)
    data_dir = cfg.data_dir or train_cfg.data_dir
    # the real digits at the model's own size, as training saw them; the same resize to 28x28 follows
    train = load_dataset(train_cfg.dataset, train_cfg.image_size, data_dir, "cpu", "train")
    heldout = load_dataset(train_cfg.dataset, train_cfg.image_size, data_dir, "cpu", "heldout")
    n = min(cfg.n, len(train))
    if n < cfg.n:
        print(f"note: --n {cfg.n} capped at {n}, the size of the train split, so the floor uses the same n", flush=True)

    fakes = generate(
        generator, n, train_cfg.latent_dim, cfg.seed, device, truncation=cfg.truncation
    ).cpu()  # (n, C, H, W)
    rng = torch.Generator().manual_seed(cfg.seed)
    train_subset = train.images[torch.randperm(len(train), generator=rng)[:n]]  # n real training digits
    ref_feats, ref_logits = classify(classifier, heldout.images.to(device))
    fake_feats, fake_logits = classify(classifier, fakes.to(device))
    floor_feats, floor_logits = classify(classifier, train_subset.to(device))
    model = compare(fake_feats, fake_logits, ref_feats, cfg.kid_subsets, cfg.kid_subset_size, cfg.seed)
    floor = compare(floor_feats, floor_logits, ref_feats, cfg.kid_subsets, cfg.kid_subset_size, cfg.seed)
    # memorisation check: pixel distance to the nearest training digit, generated vs held-out real digits
    m = min(1000, n, len(heldout))
    nn_fake, _ = nearest_neighbours(to_classifier_input(fakes[:m]), to_classifier_input(train.images))
    held_subset = heldout.images[torch.randperm(len(heldout), generator=rng)[:m]]  # random: stored class by class
    nn_held, _ = nearest_neighbours(to_classifier_input(held_subset), to_classifier_input(train.images))
    # the held-out digits are stored class by class: shuffle so that every IS split holds all classes
    heldout_is, _ = metrics.inception_score(ref_logits[torch.randperm(len(ref_logits), generator=rng)])
    result = {
        "checkpoint": str(cfg.checkpoint),
        "model": train_cfg.model,
        "epochs": trained.epoch,
        "weights": weights,  # the generator scored: "ema" (the moving average) or "raw" (the trained one)
        "train_config": asdict(train_cfg),
        "n": n,
        "reference": heldout.description + " (never trained on)",
        "floor_data": f"{n} digits drawn from: {train.description}",
        "classifier": str(Path(cfg.classifier) if cfg.classifier else WEIGHTS_PATH.name),
        # which judge scored this file: FIDs from two classifiers never compare, and a name can be reused
        "classifier_sha256": hashlib.sha256(Path(cfg.classifier or WEIGHTS_PATH).read_bytes()).hexdigest(),
        "preprocessing": "generator output in [-1, 1]; resized to 28x28 with antialiased bilinear interpolation when larger; real digits loaded at the model's size then resized the same way",
        "model_vs_heldout": model,
        "floor_train_vs_heldout": floor,
        "heldout_inception_score": heldout_is,
        "fid_ratio_to_floor": model["fid"] / floor["fid"] if floor["fid"] > 0 else float("inf"),
        "nn_pixel_distance_median": {
            "generated_to_train": float(nn_fake.median()),
            "heldout_to_train": float(nn_held.median()),
        },
        "eval_config": asdict(cfg),
        "seconds": 0.0,
        "device": device.type,
        "torch": torch.__version__,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ"),
    }
    if spec.conditional:  # every class in turn: does G draw the digit it is asked for?
        n_per_class = n // spec.num_classes
        perm = torch.randperm(len(train), generator=rng)  # the floor: a random n_per_class real digits per class
        result["per_class"] = per_class(
            generator,
            classifier,
            (heldout.images, heldout.labels),
            (train.images[perm], train.labels[perm]),
            n_per_class,
            train_cfg.latent_dim,
            cfg.seed,
            device,
            spec.num_classes,
            cfg.truncation,
        )
    if cfg.figures:
        result["figures"] = write_figures(cfg, train_cfg, fakes, train.images)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    out = Path(cfg.out) if cfg.out else Path(cfg.checkpoint).with_name("evaluation.json")
    atomic_write_text(out, json.dumps(result, indent=2) + "\n")
    print(format_table(result))
    if "per_class" in result:
        print(format_per_class(result["per_class"]))
    print(f"wrote {out}")
    return result


def write_figures(
    cfg: EvaluateConfig, train_cfg: TrainConfig, fakes: torch.Tensor, train_images: torch.Tensor
) -> list[str]:
    """Nearest-neighbour grid, training GIF (from the run's samples/) and D histograms (from --stages)."""
    folder = Path(cfg.figures)
    written = [
        save_nearest_neighbour_grid(fakes, train_images, folder / f"{train_cfg.model}_nearest_neighbours.png", n=16)
    ]
    samples = Path(cfg.checkpoint).parent / "samples"
    if samples.is_dir():
        written.append(save_training_gif(samples, folder / f"{train_cfg.model}_training.gif"))
    if cfg.stages:
        outputs = stage_outputs(cfg.stages, train_images, cfg.seed)
        written.append(plot_d_histograms(outputs, folder / f"{train_cfg.model}_d_histograms.png"))
    return [str(p) for p in written]


def stage_outputs(pattern: str, x_real: torch.Tensor, seed: int) -> list[tuple[int, torch.Tensor, torch.Tensor]]:
    """(epoch, D(x), D(G(z))) of every checkpoint matching ``pattern``, in epoch order."""
    stages = sorted(glob.glob(pattern))
    if not stages:
        raise GanLabError(f"--stages {pattern!r} matches no file")
    outputs = [discriminator_outputs(load_run(s), x_real, seed=seed) for s in stages]
    # by epoch only: checkpoints of the same epoch keep their file order (tensors do not compare)
    return sorted(outputs, key=lambda o: o[0])
