"""Evaluation: generated images through the digit classifier, every metric against held-out digits.

References: the metrics are in ``gan_lab.metrics`` (Heusel et al. 2017; Binkowski et al. 2018;
Salimans et al. 2016; Kynkaanniemi et al. 2019); the feature network in ``gan_lab.models.classifier``.
The command that puts these together is ``gan_lab.commands.evaluate``.

How images reach the metrics (the same for every model and for the real digits):
generator output in [-1, 1] -> 64x64 images are downsized to 28x28 with antialiased bilinear
interpolation (``F.interpolate(..., mode="bilinear", antialias=True)``, as ``gan_lab.data`` resizes) ->
the classifier, which expects (N, 1, 28, 28) in [-1, 1]. The real digits are loaded at the model's own
image size (as training saw them) and go through the same resize, so the real-vs-real floor of a 64x64
model includes the same 28 -> 64 -> 28 round trip as its samples.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from gan_lab import metrics
from gan_lab.latent import sample_noise
from gan_lab.runtime import GanLabError, expect_tensor


def to_classifier_input(images: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W) in [-1, 1] -> (N, 1, 28, 28) in [-1, 1]: antialiased bilinear resize when H != 28."""
    expect_tensor("images", images, "(N, 1, H, W), a batch of digits", (4,))
    if images.shape[1] != 1:
        raise GanLabError(f"expected images of shape (N, 1, H, W), one channel, got {tuple(images.shape)}")
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
    labels: torch.Tensor | None = None,
) -> torch.Tensor:
    """n images (n, C, H, W) in [-1, 1]; z from ``gan_lab.latent.sample_noise`` (the same on every device).

    ``labels`` (n,): the classes a conditional generator is asked for (None: an unconditional call)."""
    z = sample_noise(n, latent_dim, seed, truncation)  # (n, latent_dim)
    cond = [() if labels is None else (labels[i : i + batch_size].to(device),) for i in range(0, n, batch_size)]
    return torch.cat(
        [generator(z[i : i + batch_size].to(device), *c).float() for i, c in zip(range(0, n, batch_size), cond)]
    )


def per_class(
    generator: torch.nn.Module,
    classifier: torch.nn.Module,
    reference: tuple[torch.Tensor, torch.Tensor],
    floor: tuple[torch.Tensor, torch.Tensor],
    n_per_class: int,
    latent_dim: int,
    seed: int,
    device: torch.device,
    num_classes: int = 10,
    truncation: float = 0.0,
) -> dict[str, Any]:
    """A conditional generator asked for each class in turn: classifier agreement and FID, per class.

    ``reference``: held-out (images, labels); ``floor``: real (images, labels) to compare with them the
    same way, class by class (the real-vs-real FID floor of each class). Every class gets the same z.
    """
    agreement, fid, floor_fid = [], [], []
    for c in range(num_classes):
        requested = torch.full((n_per_class,), c, dtype=torch.long)
        fakes = generate(generator, n_per_class, latent_dim, seed, device, truncation=truncation, labels=requested)
        feats, logits = classify(classifier, fakes)  # (n_per_class, 64), (n_per_class, 10)
        agreement += metrics.class_agreement(logits.argmax(1), requested, num_classes)[c : c + 1]
        ref_feats, _ = classify(classifier, reference[0][reference[1] == c].to(device))
        real = floor[0][floor[1] == c][:n_per_class]
        fid.append(metrics.fid_from_features(feats, ref_feats))
        floor_fid.append(metrics.fid_from_features(classify(classifier, real.to(device))[0], ref_feats))
    return {
        "n_per_class": n_per_class,
        "agreement": agreement,
        "agreement_min": min(agreement),
        "fid": fid,
        "floor_fid": floor_fid,
    }


def format_per_class(result: dict[str, Any]) -> str:
    """The per-class table of :func:`per_class`: agreement with the requested class, FID and its floor."""
    lines = [f"{'class':>5s} {'agreement':>10s} {'FID':>8s} {'floor':>8s}"]
    for c, (a, f, r) in enumerate(zip(result["agreement"], result["fid"], result["floor_fid"])):
        lines.append(f"{c:5d} {a:10.3f} {f:8.3f} {r:8.3f}")
    lines.append(f"lowest agreement {result['agreement_min']:.3f} ({result['n_per_class']} images per class)")
    return "\n".join(lines)


def compare(
    feats: torch.Tensor,
    logits: torch.Tensor,
    ref_feats: torch.Tensor,
    kid_subsets: int,
    kid_subset_size: int,
    seed: int,
) -> dict[str, Any]:
    """Every metric of one sample (features (N, 64), logits (N, 10)) against the reference features."""
    kid_mean, kid_std = metrics.kid(feats, ref_feats, kid_subsets, kid_subset_size, seed)
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
    weights = {"ema": "; the moving average of G", "raw": "; the trained G"}.get(result.get("weights", ""), "")
    lines = [
        f"{result['model']} after {result['epochs']} epochs{weights}, n = {result['n']}, against "
        f"{result['reference']}{truncated}",
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
