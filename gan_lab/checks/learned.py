"""The "it learned" checks: a generator the learner trained in a lesson is scored with the course's digit
classifier (the training loop itself, and the lesson's run that the grader makes with it: ``learned_loop``).

References:
- Heusel et al. 2017 (FID): the Frechet distance between Gaussian fits of classifier features of
  generated digits and of the 1,000 held-out digits of the shipped sample, which no lesson trains on.
- Salimans et al. 2016 (the classifier's confidence on generated images, half of the Inception Score).
- Lucic et al. 2018, "Are GANs Created Equal?": one run of a GAN is a draw; a threshold is only fair once
  it is measured over several seeds. The thresholds below come from ``scripts/calibrate_learned.py``
  (correct code over at least 10 seeds, common broken variants), recorded in
  ``book/results/lesson_calibration/``.

A learned generator passes three bars at once: its FID to held-out digits is low, the classifier is
confident on its images (strokes, not blobs), and it covers most classes (no collapse onto a few
digits). Each bar alone can be fooled; a generator that fails any of them has not learned MNIST. And no
bar on the images sees every broken training (a saturating loss or a G step that fills D's gradients
still learns, measured): before scoring, the pieces the run trained with are checked (``learned_audit``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks.learned_audit import PIECES, REFERENCE_MODULES, audit
from gan_lab.classifier import load_classifier
from gan_lab.data import load_dataset
from gan_lab.metrics import fid_from_features, mode_coverage


@dataclass(frozen=True)
class Bar:
    """What a trained generator of one lesson must reach (thresholds measured by the calibration)."""

    lesson: str
    loop: str  # the training loop the lesson's learner writes (its pieces are checked: learned_audit)
    image_size: int  # 28 for the MLP, 64 for the convolutional lessons
    max_fid: float  # FID to the held-out digits, classifier features
    min_confidence: float  # mean top-class probability of the classifier on generated digits
    min_classes: int  # classes that receive at least 1% of the samples
    budget: str  # the training run the bar was calibrated for, as the lesson states it
    calibrated: bool = True  # False: set from the reference runs, not yet measured over seeds in this budget


BARS = {  # FIDs with the classifier retrained on full MNIST (weights d75dcf5d04a4; the calibration's rows say)
    "03_training_step": Bar(
        "03_training_step", "train_gan", 28, 1500.0, 0.65, 8, "1,500 steps at batch 64 on one CPU thread"
    ),
    "04_conv_gan_64": Bar(
        "04_conv_gan_64",
        "train_conv64",
        64,
        1500.0,
        0.50,
        7,
        "800 steps at batch 32 on one CPU thread",
    ),
    # provisional: no GPU was available to calibrate lesson 5's run (see the calibration README)
    "05_dcgan_gpu": Bar(
        "05_dcgan_gpu", "train_dcgan", 64, 450.0, 0.70, 8, "1,000 steps at batch 128 on a GPU", calibrated=False
    ),
}
N_SAMPLES = 1000  # as many as the held-out digits: FID's bias depends on the sample size


def _to_28(images: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W) -> (N, 1, 28, 28), the classifier's input: the antialiased resize of gan_lab.evaluate."""
    if images.shape[-1] != 28:
        images = F.interpolate(images, size=(28, 28), mode="bilinear", antialias=True, align_corners=False)
    return images.clamp(-1.0, 1.0)


def _heldout(image_size: int) -> torch.Tensor:
    """The 1,000 held-out digits at the generator's size and back to 28x28, so both sides are resized alike."""
    return _to_28(load_dataset("sample", split="heldout", image_size=image_size).images)  # (1000, 1, 28, 28)


@torch.no_grad()
def score_generator(generator: nn.Module, latent_dim: int = 100, n: int = N_SAMPLES, seed: int = 0) -> dict:
    """FID to held-out digits, mean classifier confidence and classes covered for ``n`` samples of ``generator``.

    Samples are drawn in eval mode from fixed noise (a private seeded generator, so the global random
    state is untouched); the generator's mode is restored afterwards.
    """
    device = next(generator.parameters()).device
    z = torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed)).to(device)
    was_training = generator.training
    generator.eval()
    try:
        x_fake = torch.cat([generator(chunk).float().cpu() for chunk in z.split(250)])  # (n, 1, H, W)
    finally:
        generator.train(was_training)
    if x_fake.dim() != 4 or x_fake.shape[:2] != (n, 1):
        raise AssertionError(f"the generator made images of shape {tuple(x_fake.shape)}, expected ({n}, 1, H, W)")
    if not torch.isfinite(x_fake).all():
        raise AssertionError("the generator made NaN or infinite pixels: training diverged (check the losses' signs)")
    size = x_fake.shape[-1]
    with torch.random.fork_rng(devices=[]):  # building the classifier draws initial weights: keep the caller's stream
        classifier = load_classifier()
    features, logits = classifier.features_and_logits(_to_28(x_fake))  # (n, 64), (n, 10)
    real_features = classifier.features(_heldout(size))  # (1000, 64)
    coverage = mode_coverage(logits.argmax(1))
    return {
        "fid": fid_from_features(features, real_features),
        "confidence": float(logits.softmax(1).max(1).values.mean()),
        "classes_covered": coverage["classes_covered"],
        "histogram": coverage["histogram"],
        "image_size": size,
    }


def passes(scores: dict, bar: Bar) -> bool:
    """Whether ``scores`` (from ``score_generator``) clear every threshold of ``bar``."""
    return (
        scores["fid"] <= bar.max_fid
        and scores["confidence"] >= bar.min_confidence
        and scores["classes_covered"] >= bar.min_classes
    )


def check_learned(
    generator: nn.Module, lesson: str, *, trained_with, latent_dim: int = 100, score: bool = True
) -> dict | None:
    """Check the pieces the run trained with, then score the generator it trained (``score=False``: pieces only).

    ``trained_with`` is the learner's training loop (``train_gan``, ...): every piece it calls is read from
    its notebook and must pass its own graded check (``learned_audit``), because some broken pieces train
    a generator whose images score like a correct run's. Raises ``AssertionError`` naming the mistake.
    """
    if lesson not in BARS:
        raise KeyError(f"no calibrated bar for lesson {lesson!r}: expected one of {', '.join(BARS)}")
    bar = BARS[lesson]
    if not isinstance(generator, nn.Module):
        raise AssertionError(
            f"[{bar.loop}] expected your trained generator (an nn.Module), got {type(generator).__name__}: "
            "run the training cell first"
        )
    audit(trained_with, bar.loop, bar.loop)
    module = type(generator).__module__.split(".")[0]
    if module in REFERENCE_MODULES and any(p.endswith("Generator") for p in PIECES[bar.loop]):
        raise AssertionError(
            f"[{bar.loop}] write your own: {type(generator).__qualname__} comes from the installed package "
            f"{module!r} (this is gan_lab's reference implementation, which earns no credit)"
        )
    if not score:
        print(
            f"your {bar.loop} ran your own pieces, each passing its check; this run's generator is not scored "
            f"(the bar is for {bar.budget})"
        )
        return None
    return judge(generator, bar, latent_dim)


NOTEBOOK_RUN = (
    "Your losses and steps pass their checks, so look at the run: the loop's optimizers (Adam, the lesson's lr and "
    "betas, one per network), the batch size and number of steps of the lesson's run cell, a run stopped early, or "
    "a generator made after the training. Fix: run the training cell again from the top, as written"
)


def judge(generator: nn.Module, bar: Bar, latent_dim: int = 100, causes: str = NOTEBOOK_RUN) -> dict:
    """Score ``generator`` against ``bar``: its scores when it passes, else ``AssertionError`` ending with ``causes``."""
    scores = score_generator(generator, latent_dim)
    line = (
        f"FID {scores['fid']:.1f} (at most {bar.max_fid:g}), classifier confidence {scores['confidence']:.2f} "
        f"(at least {bar.min_confidence:g}), classes covered {scores['classes_covered']}/10 (at least {bar.min_classes})"
    )
    if scores["image_size"] != bar.image_size:
        raise AssertionError(f"expected {bar.image_size}x{bar.image_size} images, got {scores['image_size']}")
    if passes(scores, bar):
        print(f"your generator learned: {line}")
        return scores
    measured = (
        f"The reference code met this bar on every calibrated seed ({bar.budget})."
        if bar.calibrated
        else f"This bar is provisional: it is not yet calibrated over seeds for this run ({bar.budget})."
    )
    raise AssertionError(f"[{bar.loop}] your generator has not learned digits yet: {line}. {measured} {causes}")
