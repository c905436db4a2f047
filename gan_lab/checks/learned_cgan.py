r"""Lesson 9's "it learned" check: a conditional GAN trained on the shipped sample draws the digit it is asked for.

References:
- Mirza & Osindero 2014, "Conditional Generative Adversarial Nets": G(z, y) and D(x, y) on MNIST.
- Miyato & Koyama 2018, "cGANs with Projection Discriminator", section 5: a conditional generator is judged
  by how often a pretrained classifier reads its images as the class they were drawn for.
- Lucic et al. 2018, "Are GANs Created Equal?": one run of a GAN is a draw; a bar is only fair once it is
  measured over several seeds.

The score is the **agreement** of ``gan_lab.metrics.class_agreement``: for each digit d, the share of the
images drawn for d that the course's classifier reads as d, over 100 images per digit from fixed noise. A
generator that ignores its label scores about 10% per digit (the classifier reads whatever digit it drew);
a learned one, far more. The check trains the lesson's networks, *the learner's own classes*, with the
learner's own loop, from a fixed seed, inside the check (so the sandboxed grader scores a run it made
itself), and scores the generator. The bar (``RUN``) comes from ``scripts/calibrate_lesson9.py`` (the
solution over at least 10 seeds, and broken variants), recorded in
``book/results/lesson_calibration/09_conditional_gan.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from gan_lab.checks._guard import fail
from gan_lab.checks._loop_call import call_loop
from gan_lab.classifier import load_classifier
from gan_lab.data import load_dataset
from gan_lab.metrics import class_agreement

EXERCISE = "train_cgan"
NETWORKS = ("ConditionalGenerator", "ProjectionDiscriminator")
PIECES = (*NETWORKS, EXERCISE)
REFERENCE_MODULES = ("gan_lab", "torch", "torchvision")
NUM_CLASSES = 10


@dataclass(frozen=True)
class SampleRun:
    """The lesson's training run, which the calibration measured, and the bar a trained generator must reach."""

    steps: int = 1500  # one D step and one G step each
    batch_size: int = 64
    latent_dim: int = 64
    hidden: int = 256  # the networks' width: ConditionalGenerator(64, 10, 256), ProjectionDiscriminator(10, 256)
    n_per_class: int = 100  # images per digit scored
    min_mean: float = 0.70  # mean agreement over the 10 digits
    min_digit: float = 0.40  # agreement of the weakest digit
    seed: int = 0  # the check's own run


RUN = SampleRun()


@torch.no_grad()
def score_agreement(generator: nn.Module, latent_dim: int = RUN.latent_dim, n_per_class: int = RUN.n_per_class) -> dict:
    """Per-digit agreement of the classifier with the requested digit, for ``n_per_class`` images of each digit.

    Drawn in eval mode from fixed noise (a private seeded generator: the global random state is untouched);
    the generator's mode is restored afterwards.
    """
    device = next(generator.parameters()).device
    labels = torch.arange(NUM_CLASSES).repeat_interleave(n_per_class)  # (10 * n,): 0, 0, ..., 9
    z = torch.randn(len(labels), latent_dim, generator=torch.Generator().manual_seed(0))
    was_training = generator.training
    generator.eval()
    try:
        x_fake = generator(z.to(device), labels.to(device)).float().cpu()
    finally:
        generator.train(was_training)
    if tuple(x_fake.shape) != (len(labels), 1, 28, 28):
        raise AssertionError(f"the generator made images of shape {tuple(x_fake.shape)}, expected (N, 1, 28, 28)")
    if not torch.isfinite(x_fake).all():
        raise AssertionError("the generator made NaN or infinite pixels: training diverged (check the losses)")
    with torch.random.fork_rng(devices=[]):  # building the classifier draws initial weights: keep the caller's stream
        classifier = load_classifier()
    predicted = classifier(x_fake.clamp(-1.0, 1.0)).argmax(1)  # (10 * n,)
    agreement = class_agreement(predicted, labels, NUM_CLASSES)
    return {
        "agreement": [round(a, 4) for a in agreement],
        "mean": sum(agreement) / NUM_CLASSES,
        "min": min(agreement),
        "read_as": torch.bincount(predicted, minlength=NUM_CLASSES).tolist(),  # how often each digit was read
    }


def passes(scores: dict) -> bool:
    return bool(scores) and scores["mean"] >= RUN.min_mean and scores["min"] >= RUN.min_digit


def verdict(scores: dict) -> str:
    shown = " ".join(f"{d}:{a:.0%}" for d, a in enumerate(scores["agreement"]))
    return (
        f"mean agreement {scores['mean']:.0%} (at least {RUN.min_mean:.0%}), weakest digit {scores['min']:.0%} "
        f"(at least {RUN.min_digit:.0%}); per digit {shown}"
    )


LEARN_HINTS = (
    "Likely causes, if the other checks pass: the generator or the discriminator ignores the labels; the D step "
    "scores the fakes with other labels than the generator drew them for, or the real digits with labels not "
    "their own; the G step scores the fakes with other labels than they were made with; or the optimizers (Adam, "
    "the lesson's lr and betas, one per network), the batch size or the number of steps differ from the lesson's run"
)


def check_class_agreement(generator: nn.Module) -> dict:
    """Score the generator the lesson trained; raise ``AssertionError`` when it does not draw the requested digits."""
    if not isinstance(generator, nn.Module):
        raise AssertionError(
            f"expected your trained generator (an nn.Module), got {type(generator).__name__}: run the training cell"
        )
    if type(generator).__module__.split(".")[0] in REFERENCE_MODULES:
        raise AssertionError(
            f"[{EXERCISE}] write your own: {type(generator).__qualname__} comes from the installed package "
            f"{type(generator).__module__!r} (gan_lab's reference implementation earns no credit)"
        )
    scores = score_agreement(generator)
    if not passes(scores):
        raise AssertionError(
            f"your conditional GAN does not draw the digits it is asked for yet: {verdict(scores)}. The bar was met "
            f"by the solution's code on every calibrated seed ({RUN.steps} steps). {LEARN_HINTS}."
        )
    print(f"your generator draws the digits it is asked for: {verdict(scores)}")
    return scores


def pieces(train_fn) -> dict:
    """The learner's networks and loop, read from the loop's globals (the notebook); none may be gan_lab's."""
    namespace = getattr(train_fn, "__globals__", None)
    if not isinstance(namespace, dict):
        raise fail(EXERCISE, f"expected your function {EXERCISE}, got {type(train_fn).__name__}", f"define {EXERCISE}")
    found = {}
    for piece in PIECES:
        value = train_fn if piece == EXERCISE else namespace.get(piece)
        module = str(getattr(value, "__module__", None) or "")
        if module.split(".")[0] in REFERENCE_MODULES:
            raise fail(
                EXERCISE,
                f"write your own: `{piece}` in this notebook is {module}.{piece}, gan_lab's reference "
                "implementation, which earns no credit",
                f"define your own {piece} in this notebook (its exercise above)",
            )
        if value is None:
            raise fail(
                EXERCISE,
                f"`{piece}` is not defined in the notebook that defined {EXERCISE}, so the lesson's run cannot be made",
                f"run the cell that defines {piece}, then this one again",
            )
        found[piece] = value
    return found


def run_loop(train_fn, generator, discriminator, x_train, y_train, steps, **kwargs) -> tuple[object, list[str]]:
    """Call the learner's loop; return what it returned and the order of the optimizer steps ('D', 'G', '?')."""
    return call_loop(
        train_fn,
        (generator, discriminator, x_train, y_train, steps),
        kwargs,
        {"G": generator, "D": discriminator},
        EXERCISE,
        (
            "the second backward failed ('backward through the graph a second time'): the D step trains on x_fake "
            "without .detach(), so its backward frees the generator's graph that the G step needs",
            "score discriminator(x_fake.detach(), labels_fake) in the D step",
        ),
        f"{EXERCISE}(generator, discriminator, x_train, y_train, steps, batch_size=..., latent_dim=..., "
        "num_classes=..., progress=...) must work for any networks and sizes (no hard-coded 64, 10 or 28)",
    )


def train_on_sample(train_fn, seed: int, generator_cls=None, discriminator_cls=None) -> tuple[nn.Module, dict]:
    """The lesson's run from ``seed``: the learner's networks (read from the loop's notebook unless given) trained
    with ``train_fn`` on the shipped sample; the trained generator and its scores ({} when it diverged)."""
    found = pieces(train_fn)
    generator_cls = generator_cls or found["ConditionalGenerator"]
    discriminator_cls = discriminator_cls or found["ProjectionDiscriminator"]
    data = load_dataset("sample")  # the 4,000 training digits, (4000, 1, 28, 28) in [-1, 1], and their labels
    with torch.random.fork_rng(devices=[]):  # the caller's random stream is left as it was
        torch.manual_seed(seed)
        generator = generator_cls(latent_dim=RUN.latent_dim, num_classes=NUM_CLASSES, hidden=RUN.hidden)
        discriminator = discriminator_cls(num_classes=NUM_CLASSES, hidden=RUN.hidden)
        torch.manual_seed(seed)
        run_loop(
            train_fn, generator, discriminator, data.images, data.labels, RUN.steps, batch_size=RUN.batch_size,
            latent_dim=RUN.latent_dim, num_classes=NUM_CLASSES,
        )  # fmt: skip
    try:
        return generator, score_agreement(generator)
    except AssertionError:
        return generator, {}


def check_learns(train_fn) -> dict:
    """The lesson's run with the learner's networks and loop, from a fixed seed: it must draw the requested digits."""
    _, scores = train_on_sample(train_fn, RUN.seed)
    if not scores:
        raise fail(
            EXERCISE,
            "trained on the sample, the generator made NaN or infinite pixels: training diverged",
            "check the losses (binary_cross_entropy_with_logits on the logits) and the learning rates",
        )
    if not passes(scores):
        raise fail(
            EXERCISE,
            f"trained on the sample with the lesson's settings (seed {RUN.seed}), your networks and loop reached "
            f"{verdict(scores)}; the solution reaches the bar on every calibrated seed. " + LEARN_HINTS,
            "compare your loop with the steps listed in the exercise, one line at a time",
        )
    return scores
