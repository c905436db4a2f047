"""The ``gan-lab train-classifier`` and ``gan-lab evaluate`` commands.

References: the metrics are in ``gan_lab.metrics`` (Heusel et al. 2017; Binkowski et al. 2018;
Salimans et al. 2016; Kynkaanniemi et al. 2019); the feature network in ``gan_lab.models.classifier``.

How images reach the metrics (the same for every model and for the real digits):
generator output in [-1, 1] -> 64x64 images are downsized to 28x28 with antialiased bilinear
interpolation (``F.interpolate(..., mode="bilinear", antialias=True)``, as ``gan_lab.data`` resizes) ->
the classifier, which expects (N, 1, 28, 28) in [-1, 1]. The real digits are loaded at the model's own
image size (as training saw them) and go through the same resize, so the real-vs-real floor of a 64x64
model includes the same 28 -> 64 -> 28 round trip as its samples.
"""

from __future__ import annotations

import datetime
import json
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from gan_lab.data import DEFAULT_DATA_DIR, load_dataset
from gan_lab.latent import TRUNCATION_HELP, sample_noise
from gan_lab.runtime import GanLabError, atomic_write_text, pick_device, seed_everything

CLASSIFIER_DATASETS = ("auto", "mnist", "sample")


@dataclass
class TrainClassifierConfig:
    """Train the MNIST classifier whose features and logits the evaluation metrics use."""

    dataset: str = field(
        default="auto",
        metadata={
            "help": "mnist: full MNIST's training digits minus the shipped sample's 5,000 (so the sample's held-out "
            "digits stay unseen), scored on its 10,000 test digits; sample: the sample's train split; "
            "auto: mnist if available, else sample",
            "choices": CLASSIFIER_DATASETS,
        },
    )
    data_dir: str = field(default=str(DEFAULT_DATA_DIR), metadata={"help": "where full MNIST is cached/downloaded"})
    epochs: int = field(default=40, metadata={"help": "passes over the training digits"})
    batch_size: int = field(default=128, metadata={"help": "digits per step"})
    lr: float = field(default=2e-3, metadata={"help": "Adam learning rate (decayed to 0 by a cosine schedule)"})
    augment: bool = field(default=True, metadata={"help": "random small rotations, scalings, shears and shifts"})
    seed: int = field(default=0, metadata={"help": "seeds initial weights, data order and augmentation"})
    num_threads: int = field(default=0, metadata={"help": "CPU threads for torch (0: torch's default)"})
    device: str = field(default="auto", metadata={"help": "auto, cpu, cuda, cuda:N, mps"})
    out: str = field(
        default="",
        metadata={"help": "weights file to write (default: the package's gan_lab/weights/mnist_classifier.pt)"},
    )


def run_train_classifier(cfg: TrainClassifierConfig) -> dict:
    """Train, measure held-out accuracy, write the weights and a JSON record beside them."""
    from gan_lab.models.classifier import WEIGHTS_PATH, accuracy, fit_classifier

    for name in ("epochs", "batch_size"):
        if getattr(cfg, name) < 1:
            raise GanLabError(f"--{name.replace('_', '-')} must be a positive integer, got {getattr(cfg, name)}")
    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    device = pick_device(cfg.device)
    seed_everything(cfg.seed)
    train = load_dataset(cfg.dataset, 28, cfg.data_dir, device, "train", exclude_sample=True)
    heldout = load_dataset(cfg.dataset, 28, cfg.data_dir, device, "heldout")
    print(f"data: {train.description}; held out: {heldout.description}", flush=True)
    t0 = time.perf_counter()
    model = fit_classifier(train.images, train.labels, cfg.epochs, cfg.batch_size, cfg.lr, cfg.seed, cfg.augment)
    seconds = time.perf_counter() - t0
    acc_heldout = accuracy(model, heldout.images, heldout.labels)
    acc_train = accuracy(model, train.images, train.labels)
    sample_heldout = load_dataset("sample", 28, split="heldout", device=device)  # unseen by every model
    acc_sample = accuracy(model, sample_heldout.images, sample_heldout.labels)
    out = Path(cfg.out) if cfg.out else WEIGHTS_PATH
    out.parent.mkdir(parents=True, exist_ok=True)
    from gan_lab.runtime import atomic_write

    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    atomic_write(out, lambda tmp: torch.save(state, tmp))
    record = {
        "weights": out.name,
        "architecture": "gan_lab.models.classifier.MNISTClassifier",
        "train_data": train.description,
        "heldout_data": heldout.description + " (never used for training or model selection)",
        "heldout_accuracy": round(acc_heldout, 4),
        "train_accuracy": round(acc_train, 4),
        "sample_heldout_accuracy": round(acc_sample, 4),
        "command": "gan-lab train-classifier " + " ".join(sys.argv[2:])
        if sys.argv[1:2] == ["train-classifier"]
        else "gan_lab.evaluate.run_train_classifier",
        "config": asdict(cfg),
        "seed": cfg.seed,
        "train_seconds": round(seconds, 1),
        "hardware": f"{device.type}, {torch.get_num_threads()} thread(s), {platform.processor() or platform.machine()}",
        "torch": torch.__version__,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ"),
    }
    atomic_write_text(out.with_suffix(".json"), json.dumps(record, indent=2) + "\n")
    print(
        f"held-out accuracy {acc_heldout:.4f} (train {acc_train:.4f}) after {seconds:.0f} s; wrote {out} and {out.with_suffix('.json').name}"
    )
    return record


@dataclass
class EvaluateConfig:
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
    num_threads: int = field(default=0, metadata={"help": "CPU threads for torch (0: torch's default)"})
    device: str = field(default="auto", metadata={"help": "auto, cpu, cuda, cuda:N, mps"})


def to_classifier_input(images: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W) in [-1, 1] -> (N, 1, 28, 28) in [-1, 1]: antialiased bilinear resize when H != 28."""
    if images.shape[-1] != 28 or images.shape[-2] != 28:
        images = F.interpolate(images.float(), size=(28, 28), mode="bilinear", antialias=True, align_corners=False)
    return images.clamp(-1.0, 1.0)


@torch.no_grad()
def classify(
    classifier: torch.nn.Module, images: torch.Tensor, batch_size: int = 1000
) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (N, 64) and logits (N, 10) of images (N, 1, H, W) in [-1, 1], on the CPU in float64."""
    feats, logits = [], []
    for start in range(0, images.shape[0], batch_size):
        f, lg = classifier.features_and_logits(to_classifier_input(images[start : start + batch_size]))
        feats.append(f.double().cpu())
        logits.append(lg.double().cpu())
    return torch.cat(feats), torch.cat(logits)


@torch.no_grad()
def generate(
    generator: torch.nn.Module,
    n: int,
    latent_dim: int,
    seed: int,
    device: torch.device,
    batch_size: int = 500,
    truncation: float = 0.0,
) -> torch.Tensor:
    """n images (n, C, H, W) in [-1, 1]; z from ``gan_lab.latent.sample_noise`` (the same on every device)."""
    z = sample_noise(n, latent_dim, seed, truncation)  # (n, latent_dim)
    return torch.cat([generator(z[i : i + batch_size].to(device)).float() for i in range(0, n, batch_size)])


def compare(feats: torch.Tensor, logits: torch.Tensor, ref_feats: torch.Tensor, cfg: EvaluateConfig) -> dict:
    """Every metric of one sample (features, logits) against the reference features."""
    from gan_lab import metrics

    kid_mean, kid_std = metrics.kid(feats, ref_feats, cfg.kid_subsets, cfg.kid_subset_size, cfg.seed)
    is_mean, is_std = metrics.inception_score(logits)
    precision, recall = metrics.precision_recall(ref_feats, feats, k=3)
    return {
        "fid": metrics.fid_from_features(feats, ref_feats),
        "kid": kid_mean,
        "kid_std": kid_std,
        "inception_score": is_mean,
        "inception_score_std": is_std,
        **metrics.inception_score_terms(logits),
        "precision": precision,
        "recall": recall,
        **metrics.mode_coverage(logits.argmax(1)),
    }


def run_evaluate(cfg: EvaluateConfig) -> dict:
    """Generate, classify, compare with held-out digits; print a table, write JSON (and figures)."""
    from gan_lab import metrics
    from gan_lab.evalplots import nearest_neighbours
    from gan_lab.models.classifier import WEIGHTS_PATH, load_classifier
    from gan_lab.train import load_generator

    if not cfg.checkpoint:
        raise GanLabError("--checkpoint is required: the checkpoint.pt of a run made by 'gan-lab train'")
    if cfg.n < 10:
        raise GanLabError(f"--n must be at least 10 (the Inception Score uses 10 splits), got {cfg.n}")
    if cfg.kid_subsets < 1 or cfg.kid_subset_size < 2:
        raise GanLabError("expected --kid-subsets >= 1 and --kid-subset-size >= 2")
    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    device = pick_device(cfg.device)
    t0 = time.perf_counter()
    generator, train_cfg = load_generator(cfg.checkpoint, device)
    if train_cfg.dataset == "fashion-mnist":
        raise GanLabError("the metrics use an MNIST digit classifier: they are meaningless for a Fashion-MNIST model")
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
    model = compare(fake_feats, fake_logits, ref_feats, cfg)
    floor = compare(floor_feats, floor_logits, ref_feats, cfg)
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
        "epochs": int(torch.load(cfg.checkpoint, map_location="cpu", weights_only=True)["epoch"]),
        "train_config": asdict(train_cfg),
        "n": n,
        "reference": heldout.description + " (never trained on)",
        "floor_data": f"{n} digits drawn from: {train.description}",
        "classifier": str(Path(cfg.classifier) if cfg.classifier else WEIGHTS_PATH.name),
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
    if cfg.figures:
        result["figures"] = write_figures(cfg, train_cfg, fakes, train.images)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    out = Path(cfg.out) if cfg.out else Path(cfg.checkpoint).with_name("evaluation.json")
    atomic_write_text(out, json.dumps(result, indent=2) + "\n")
    print(format_table(result))
    print(f"wrote {out}")
    return result


def write_figures(cfg: EvaluateConfig, train_cfg, fakes: torch.Tensor, train_images: torch.Tensor) -> list[str]:  # noqa: ANN001
    """Nearest-neighbour grid, training GIF (from the run's samples/) and D histograms (from --stages)."""
    import glob

    from gan_lab.evalplots import (
        discriminator_outputs,
        plot_d_histograms,
        save_nearest_neighbour_grid,
        save_training_gif,
    )

    folder = Path(cfg.figures)
    written = [
        save_nearest_neighbour_grid(fakes, train_images, folder / f"{train_cfg.model}_nearest_neighbours.png", n=16)
    ]
    samples = Path(cfg.checkpoint).parent / "samples"
    if samples.is_dir():
        written.append(save_training_gif(samples, folder / f"{train_cfg.model}_training.gif"))
    if cfg.stages:
        stages = sorted(glob.glob(cfg.stages))
        if not stages:
            raise GanLabError(f"--stages {cfg.stages!r} matches no file")
        outputs = sorted(discriminator_outputs(s, train_images, seed=cfg.seed) for s in stages)
        written.append(plot_d_histograms(outputs, folder / f"{train_cfg.model}_d_histograms.png"))
    return [str(p) for p in written]


def format_table(result: dict) -> str:
    """The metrics of the model beside the real-vs-real floor, as a fixed-width text table."""
    rows = [
        ("FID (lower is better)", "fid", "{:.3f}"),
        ("KID (unbiased MMD^2)", "kid", "{:.3f}"),
        ("Inception Score (max 10)", "inception_score", "{:.3f}"),
        ("  class balance H(p(y)) (max 2.303)", "class_entropy", "{:.3f}"),
        ("  uncertainty E[H(p(y|x))] (min 0)", "mean_conditional_entropy", "{:.3f}"),
        ("precision (k=3)", "precision", "{:.3f}"),
        ("recall (k=3)", "recall", "{:.3f}"),
        ("classes covered (of 10)", "classes_covered", "{}"),
        ("KL(class histogram || uniform)", "kl_to_uniform", "{:.4f}"),
    ]
    model, floor = result["model_vs_heldout"], result["floor_train_vs_heldout"]
    t = result["eval_config"].get("truncation", 0.0)
    truncated = f"; z truncated to [-{t:g}, {t:g}]" if t else ""
    lines = [
        f"{result['model']} after {result['epochs']} epochs, n = {result['n']}, against {result['reference']}{truncated}",
        f"{'metric':36s} {'model':>10s} {'real floor':>10s}",
    ]
    for label, key, fmt in rows:
        if key not in model:  # JSON written before the field existed
            continue
        lines.append(f"{label:36s} {fmt.format(model[key]):>10s} {fmt.format(floor[key]):>10s}")
    lines.append(f"FID / floor: {result['fid_ratio_to_floor']:.2f}; class histogram {model['histogram']}")
    nn_ = result["nn_pixel_distance_median"]
    lines.append(
        f"median pixel distance to the nearest training digit: generated {nn_['generated_to_train']:.2f}, held-out real {nn_['heldout_to_train']:.2f}"
    )
    return "\n".join(lines)
