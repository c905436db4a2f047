"""Bad input, everywhere: every public function a learner calls, and every command, given something wrong.

Each row of :data:`LIBRARY` is a call (a Python expression), the exception type it must raise and a
fragment its message must contain; each row of :data:`COMMANDS` is a command line and a fragment of the
one line it must print on stderr before exiting with status 2. The messages must be one line, from
gan_lab itself (a :class:`GanLabError`, never torch's or numpy's own), and say what was expected.
``scripts/bad_input_table.py`` runs the same rows and writes every actual message into
``docs/bad_input.md``.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from gan_lab.runtime import GanLabError
from tests.conftest import SMOKE, run_cli


@dataclass(frozen=True)
class Case:
    """One bad call: ``code`` (an expression, or a command line after its program), what it must raise or
    print, and the function or command it exercises."""

    area: str
    code: str
    error: type[Exception]
    fragment: str


def lib(area: str, code: str, error: type[Exception], fragment: str) -> Case:
    return Case(area, code, error, fragment)


Z, X28, X64, L = "torch.randn(4, 100)", "torch.zeros(4, 1, 28, 28)", "torch.zeros(4, 1, 64, 64)", "torch.zeros(8, 1)"
F16 = "torch.randn(16, 8)"  # 16 feature vectors of dimension 8

LIBRARY = [
    # data
    lib("data", "data.load_dataset('mnsit')", ValueError, "unknown dataset 'mnsit': expected one of auto"),
    lib("data", "data.load_dataset('sample', split='test')", ValueError, "unknown split 'test'"),
    lib("data", "data.load_dataset('sample', image_size=4)", ValueError, "expected image_size >= 8, got 4"),
    lib("data", "data.load_dataset('sample', image_size='28')", TypeError, "expected image_size as an integer"),
    lib("data", "data.load_dataset('sample', max_samples=-5)", ValueError, "expected max_samples (0: all) >= 0"),
    lib("data", "data.load_dataset('sample', device='gpu')", ValueError, "unknown device 'gpu'"),
    lib("data", "data.load_dataset('mnist', data_dir=FILES['notes'])", ValueError, "expected data_dir to be a folder"),
    lib("data", "data.load_sample_uint8('validation')", ValueError, "unknown split 'validation'"),
    lib("data", "data.batches(torch.zeros(10, 1, 28, 28), 0, torch.Generator())", ValueError, "batch_size >= 1"),
    lib("data", "data.batches(torch.zeros(10, 1, 28, 28), 64, torch.Generator())", ValueError, "fewer than one batch"),
    lib("data", "data.batches(torch.zeros(10, 1, 28, 28), 2, 0)", TypeError, "expected generator as a torch.Generator"),
    lib("data", "data.batches(np.zeros((10, 1, 28, 28)), 2, torch.Generator())", TypeError, "as a torch.Tensor"),
    lib("data", "data.batches(torch.zeros(10, 1, 28, 28), 2.5, torch.Generator())", TypeError, "batch_size as an int"),
    lib(
        "data",
        "data.labelled_batches(torch.zeros(10, 1, 28, 28), torch.zeros(9, dtype=torch.long), 2, torch.Generator())",
        ValueError,
        "expected one label per image (10), got 9",
    ),
    lib("data", "data.steps_per_epoch(100, 0)", ValueError, "expected batch_size >= 1, got 0"),
    # latent
    lib("latent", "latent.sample_noise(-1, 100, 0)", ValueError, "expected n >= 0, got -1"),
    lib("latent", "latent.sample_noise(2.5, 100, 0)", TypeError, "expected n as an integer"),
    lib("latent", "latent.sample_noise(4, 0, 0)", ValueError, "expected latent_dim >= 1, got 0"),
    lib("latent", "latent.sample_noise(4, 100, 'abc')", TypeError, "expected seed as an int or a CPU torch.Generator"),
    lib("latent", "latent.sample_noise(4, 100, 0, truncation=-1.0)", ValueError, "--truncation must be 0 (off)"),
    lib("latent", "latent.sample_noise(4, 100, 0, truncation=float('nan'))", ValueError, "positive threshold"),
    lib("latent", "latent.lerp(torch.zeros(100), torch.zeros(50), 0.5)", ValueError, "same shape (d,), got (100,)"),
    lib(
        "latent", "latent.slerp(torch.randn(2, 100), torch.randn(2, 100), 0.5)", ValueError, "expected z0 of shape (d,)"
    ),
    lib("latent", "latent.slerp(torch.ones(8), -torch.ones(8), 0.5)", ValueError, "opposite vectors"),
    lib("latent", "latent.interpolate(torch.randn(8), torch.randn(8), 1)", ValueError, "steps (the two ends included)"),
    lib("latent", "latent.interpolate(torch.randn(8), torch.randn(8), 5, 'cubic')", ValueError, "unknown method"),
    lib("latent", "latent.attribute_vector(torch.randn(10, 4), torch.randn(9), 2)", ValueError, "scores of shape (N,)"),
    lib("latent", "latent.attribute_vector(torch.randn(10, 4), torch.randn(10), 6)", ValueError, "k must be between"),
    # models: constructors
    lib("models", "models.build_models('gpt')", ValueError, "unknown model 'gpt': expected one of mlp"),
    lib("models", "models.build_models('mlp', latent_dim=0)", ValueError, "latent_dim must be a positive integer"),
    lib("models", "models.MLPGenerator(latent_dim=-1)", ValueError, "expected latent_dim >= 1, got -1"),
    lib("models", "models.MLPGenerator(hidden=(256, 0))", ValueError, "expected hidden[1] >= 1, got 0"),
    lib(
        "models",
        "models.MLPGenerator()(torch.zeros(4, 100, device='meta'))",
        ValueError,
        "expected z on cpu, where the MLPGenerator's weights are, got meta",
    ),
    lib(
        "models",
        "models.DCGANDiscriminator()(torch.zeros(2, 1, 64, 64, device='meta'))",
        ValueError,
        "expected x on cpu, where the DCGANDiscriminator's weights are, got meta",
    ),
    lib("models", "models.DCGANGenerator(latent_dim=100.0)", TypeError, "expected latent_dim as an integer"),
    lib("models", "models.Conv64Discriminator(channels=0)", ValueError, "expected channels >= 1, got 0"),
    lib("models", "models.ConditionalGenerator(num_classes=0)", ValueError, "expected num_classes >= 1"),
    # models: forward with the wrong input
    lib("models", "models.MLPGenerator()(torch.randn(4, 64))", ValueError, "expected z of shape (N, 100), got (4, 64)"),
    lib("models", "models.MLPGenerator()(torch.randn(100))", ValueError, "expected z of shape (N, 100), got (100,)"),
    lib("models", "models.MLPGenerator()(torch.ones(4, 100, dtype=torch.long))", TypeError, "floating-point tensor"),
    lib("models", "models.MLPGenerator()([0.0] * 100)", TypeError, "expected z as a torch.Tensor"),
    lib("models", f"models.MLPDiscriminator()({X64})", ValueError, "(N, 1, 28, 28) or (N, 784), got (4, 1, 64, 64)"),
    lib("models", f"models.Conv64Discriminator()({X28})", ValueError, "(N, 1, 64, 64), got (4, 1, 28, 28)"),
    lib("models", f"models.DCGANDiscriminator()({X28})", ValueError, "(N, 1, 64, 64), got (4, 1, 28, 28)"),
    lib("models", "models.DCGANDiscriminator(channels=3)(torch.zeros(4, 1, 64, 64))", ValueError, "(N, 3, 64, 64)"),
    lib("models", "models.DCGANGenerator()(torch.randn(4, 100, 2, 2))", ValueError, "or (N, 100, 1, 1)"),
    lib("models", "models.DCGAN28Generator()(torch.randn(4, 10))", ValueError, "expected z of shape (N, 100)"),
    lib("models", "models.DCGAN28Discriminator()(torch.zeros(4, 28, 28))", ValueError, "(N, 1, 28, 28), got (4, 28"),
    lib("models", f"models.ConditionalGenerator()({Z}, torch.tensor([0, 1, 2, 10]))", ValueError, "labels in [0, 10)"),
    lib("models", f"models.ConditionalGenerator()({Z}, torch.zeros(4))", ValueError, "an integer tensor, got torch"),
    lib("models", f"models.ConditionalGenerator()({Z}, torch.zeros(3, dtype=torch.long))", ValueError, "(4), got 3"),
    lib("models", f"models.ProjectionDiscriminator()({X28}, torch.full((4,), -1))", ValueError, "labels in [0, 10)"),
    lib("models", f"models.ConcatDiscriminator()({X28}, torch.full((4,), 12))", ValueError, "labels in [0, 10)"),
    lib("models", "MNISTClassifier()(torch.zeros(4, 3, 28, 28))", ValueError, "(N, 1, 28, 28), got (4, 3, 28, 28)"),
    # losses: every function of the module, and the families of LOSSES by name
    lib("losses", f"losses.discriminator_loss({X28}, {X28})", ValueError, "one score per image, got (4, 1, 28, 28)"),
    lib("losses", "losses.discriminator_loss(torch.zeros(8, 10), torch.zeros(8, 10))", ValueError, "got (8, 10)"),
    lib("losses", f"losses.discriminator_loss(torch.ones(8, 1, dtype=torch.long), {L})", TypeError, "torch.int64"),
    lib("losses", f"losses.discriminator_loss([0.5] * 8, {L})", TypeError, "expected logits_real as a torch.Tensor"),
    lib("losses", f"losses.discriminator_loss({L}, {L}, real_label=1.5)", ValueError, "real_label in [0, 1]"),
    lib("losses", f"losses.discriminator_loss({L}, torch.zeros(8, 1, device='meta'))", ValueError, "on one device"),
    lib("losses", "losses.discriminator_loss(torch.tensor(0.3), torch.tensor(0.1))", ValueError, "got ()"),
    lib("losses", "losses.generator_loss_saturating(torch.zeros(8, 2))", ValueError, "expected logits_fake of shape"),
    lib("losses", "losses.generator_loss_non_saturating(torch.ones(8, dtype=torch.int32))", TypeError, "int32"),
    lib("losses", f"losses.generator_loss({L}, 'minimax')", ValueError, "unknown generator loss 'minimax'"),
    lib("losses", f"losses.lsgan_discriminator_loss({L}, torch.zeros(8, 1, 1))", ValueError, "got (8, 1, 1)"),
    lib("losses", "losses.lsgan_generator_loss(torch.ones(8, dtype=torch.bool))", TypeError, "torch.bool"),
    lib("losses", f"losses.wasserstein_critic_loss({X28}, {L})", ValueError, "expected logits_real of shape"),
    lib("losses", "losses.wasserstein_generator_loss(torch.zeros(4, 3))", ValueError, "got (4, 3)"),
    lib("losses", f"losses.hinge_discriminator_loss({L}, np.zeros((8, 1)))", TypeError, "got a numpy array"),
    lib("losses", "losses.hinge_generator_loss(torch.zeros(8, 1, 2))", ValueError, "got (8, 1, 2)"),
    lib("losses", f"losses.family_discriminator_loss('wgan-gp', {X28}, {L})", ValueError, "one score per image"),
    lib("losses", f"losses.family_generator_loss('hinge', {X28})", ValueError, "one score per image"),
    lib("losses", f"losses.family_discriminator_loss('relativistic', {L}, {L})", ValueError, "unknown loss"),
    lib("losses", "losses.family_generator_loss('wgan-gp', torch.zeros(8, 1, dtype=torch.long))", TypeError, "int64"),
    # regularizers and objectives
    lib("regularizers", f"regularizers.gradient_penalty(D28, {X28}, {X64})", ValueError, "same shape (paired"),
    lib("regularizers", f"regularizers.gradient_penalty(D28, {X28}, torch.zeros(3, 1, 28, 28))", ValueError, "got (4"),
    lib(
        "regularizers",
        f"regularizers.gradient_penalty(D28, {X28}, torch.zeros(4, 1, 28, 28, device='meta'))",
        ValueError,
        "on one device",
    ),  # fmt: skip
    lib(
        "regularizers", f"regularizers.gradient_penalty(D28, {X28}, {X28}, eps=torch.rand(3))", ValueError, "(4,), one"
    ),
    lib(
        "regularizers", f"regularizers.gradient_penalty(None, {X28}, {X28})", TypeError, "expected critic as a network"
    ),
    lib(
        "regularizers",
        f"regularizers.interpolate({X28}, torch.zeros(4, 1, 28, 28, dtype=torch.long))",
        TypeError,
        "x_fake",
    ),  # fmt: skip
    lib("regularizers", "regularizers.clip_weights_(D28, -0.01)", ValueError, "expected clip > 0"),
    lib("regularizers", "regularizers.apply_spectral_norm(D28, 0)", ValueError, "expected n_power_iterations >= 1"),
    lib(
        "objectives", "objectives.check_objective(objectives.Objective(loss='wgan', clip=0))", ValueError, "--clip > 0"
    ),
    lib("objectives", "objectives.check_objective(objectives.Objective(n_critic=0))", ValueError, "--n-critic must be"),
    lib("objectives", "objectives.ttur_learning_rates(-1e-4, 4)", ValueError, "expected a learning rate > 0"),
    # metrics
    lib("metrics", f"metrics.fid_from_features({F16}, torch.randn(16, 4))", ValueError, "same number of columns D"),
    lib("metrics", f"metrics.fid_from_features(torch.randn(1, 8), {F16})", ValueError, "N >= 2, got (1, 8)"),
    lib("metrics", f"metrics.fid_from_features(torch.randn(16), {F16})", ValueError, "shape (N, D) with N >= 2"),
    lib("metrics", f"metrics.fid_from_features(torch.full((16, 8), float('nan')), {F16})", ValueError, "128 NaN"),
    lib("metrics", f"metrics.fid_from_features([[0.0] * 8] * 16, {F16})", TypeError, "expected features1 as a tensor"),
    lib("metrics", "metrics.frechet_distance(np.zeros(8), np.eye(8), np.zeros(4), np.eye(4))", ValueError, "(D,)"),
    lib("metrics", f"metrics.kid({F16}, torch.randn(16, 4))", ValueError, "same number of columns D"),
    lib("metrics", f"metrics.kid({F16}, {F16}, subsets=0)", ValueError, "expected subsets >= 1, got 0"),
    lib("metrics", f"metrics.kid({F16}, {F16}, subset_size=1)", ValueError, "expected subset_size >= 2"),
    lib("metrics", f"metrics.kid(torch.randn(1, 8), {F16})", ValueError, "N >= 2, got (1, 8)"),
    lib("metrics", "metrics.inception_score(torch.randn(5, 10))", ValueError, "N >= 10, got (5, 10)"),
    lib("metrics", "metrics.inception_score(torch.randn(100))", ValueError, "expected logits of shape (N, K)"),
    lib("metrics", "metrics.inception_score(torch.randn(100, 10), splits=0)", ValueError, "expected splits >= 1"),
    lib(
        "metrics", "metrics.inception_score(torch.full((100, 10), float('inf')))", ValueError, "expected finite logits"
    ),
    lib("metrics", "metrics.inception_score_terms(torch.randn(0, 10))", ValueError, "N >= 1, got (0, 10)"),
    lib("metrics", f"metrics.precision_recall({F16}, torch.randn(3, 8))", ValueError, "N >= 4, got (3, 8)"),
    lib("metrics", f"metrics.precision_recall({F16}, torch.randn(16, 4))", ValueError, "same number of columns"),
    lib("metrics", f"metrics.precision_recall({F16}, {F16}, k=0)", ValueError, "expected k >= 1, got 0"),
    lib("metrics", "metrics.mode_coverage(torch.randn(100, 10))", TypeError, "integer class indices (N,), got torch"),
    lib("metrics", "metrics.mode_coverage(torch.tensor([0, 3, 12]))", ValueError, "labels in [0, 10), got values"),
    lib("metrics", "metrics.mode_coverage(torch.tensor([], dtype=torch.long))", ValueError, "N >= 1, got (0,)"),
    lib("metrics", "metrics.mode_coverage(torch.zeros(10, 2, dtype=torch.long))", ValueError, "got (10, 2)"),
    lib("metrics", "metrics.mode_coverage(torch.arange(10), min_share=2)", ValueError, "expected min_share in [0, 1]"),
    lib("metrics", "metrics.class_agreement(torch.arange(10), torch.arange(9))", ValueError, "differ"),
    # plots
    lib("plots", "plots.to_unit(torch.zeros(4, 1, 28, 28, dtype=torch.uint8))", TypeError, "float images in [-1, 1]"),
    lib("plots", "plots.to_unit(torch.full((4, 1, 28, 28), 255.0))", ValueError, "got values from 255 to 255"),
    lib("plots", "plots.to_unit(torch.full((4, 1, 28, 28), float('nan')))", ValueError, "expected images in [-1, 1]"),
    lib("plots", "plots.to_unit(torch.zeros(28, 28))", ValueError, "(N, C, H, W), a batch with C = 1 or 3, got (28"),
    lib("plots", "plots.make_grid(torch.zeros(4, 28, 28))", ValueError, "got (4, 28, 28)"),
    lib("plots", "plots.make_grid(torch.zeros(4, 2, 28, 28))", ValueError, "C = 1 or 3, got (4, 2, 28, 28)"),
    lib("plots", "plots.make_grid(-torch.ones(4, 1, 28, 28))", ValueError, "images in [0, 1], got values from -1"),
    lib("plots", f"plots.make_grid({X28}, nrow=0)", ValueError, "expected nrow >= 1"),
    lib("plots", f"plots.grid_image({X28}, padding=-1)", ValueError, "expected padding >= 0"),
    lib("plots", "plots.save_grid(torch.zeros(0, 1, 28, 28), FILES['folder'] / 'g.png')", ValueError, "N >= 1"),
    lib("plots", f"plots.save_grid({X28}, FILES['folder'])", ValueError, "expected a file name to write, got the"),
    lib("plots", f"plots.save_grid({X28}, FILES['notes'] / 'g.png')", ValueError, "is a file, not a folder"),
    lib(
        "plots", "plots.plot_losses([], FILES['folder'] / 'l.png')", ValueError, "non-empty list of rows with the keys"
    ),
    lib("plots", "plots.plot_losses([{'step': 1}], FILES['folder'] / 'l.png')", ValueError, "step, loss_d, loss_g"),
    # theory
    lib("theory", "theory.GaussianMixture1D(means=(0.0, 1.0), stds=(1.0,))", ValueError, "same length, got 2 and 1"),
    lib("theory", "theory.GaussianMixture1D(means=(0.0,), stds=(-1.0,))", ValueError, "standard deviation > 0"),
    lib("theory", "theory.GaussianMixture1D((0.0, 1.0), (1.0, 1.0), (0.5, 0.6))", ValueError, "summing to 1"),
    lib("theory", "theory.GaussianMixture1D((0.0,), (1.0,)).sample(10, 0)", TypeError, "rng as a numpy Generator"),
    lib("theory", "theory.optimal_discriminator(np.ones(5), np.ones(4))", ValueError, "p_g of shape (5,)"),
    lib("theory", "theory.optimal_discriminator(np.ones(5), -np.ones(5))", ValueError, "finite and >= 0"),
    lib("theory", "theory.value_function(np.linspace(-1, 1, 5), P5, P5, np.full(5, 3.0))", ValueError, "not a logit"),
    lib("theory", "theory.value_function(np.linspace(1, -1, 5), P5, P5, P5)", ValueError, "increasing 1-D grid"),
    lib("theory", "theory.kl_divergence(np.linspace(-1, 1, 5), P5, np.ones(6))", ValueError, "q of shape (5,)"),
    lib("theory", "theory.js_divergence(np.linspace(-1, 1, 5), 'abc', P5)", TypeError, "p as an array of numbers"),
    lib("theory", "theory.virtual_training_criterion(np.zeros((2, 5)), P5, P5)", ValueError, "got shape (2, 5)"),
    lib("theory", "theory.generator_logit_gradients(np.array([0.5, 2.0]))", ValueError, "D(G(z)) in [0, 1]"),
    # ema and augment
    lib(
        "ema",
        "ema.ema_update(models.MLPGenerator(), models.MLPGenerator(latent_dim=64), 0.999)",
        ValueError,
        "(256, 100) against (256, 64)",
    ),
    lib("ema", "ema.ema_update(models.MLPGenerator(), models.MLPGenerator(), 1.5)", ValueError, "decay in [0, 1]"),
    lib("ema", "ema.ema_update(None, models.MLPGenerator(), 0.999)", TypeError, "expected generator_ema as a network"),
    lib(
        "ema",
        "ema.recalibrate_batchnorm(models.MLPGenerator(), 100, batch_size=1)",
        ValueError,
        "expected batch_size >= 2, got 1",
    ),
    lib("ema", "ema.recalibrate_batchnorm('G', 100)", TypeError, "expected generator as a network"),
    lib("augment", "augment.diff_augment(torch.zeros(28, 28), 'translation')", ValueError, "(N, C, H, W), a batch"),
    lib("augment", f"augment.diff_augment({X28}, 'rotate')", ValueError, "unknown augmentation 'rotate'"),
    lib("augment", f"augment.diff_augment({X28}, ('translation', 'flip'))", ValueError, "unknown augmentation 'flip'"),
    lib("augment", f"augment.diff_augment({X28}, 5)", TypeError, "expected policy as a string"),
    lib("augment", f"augment.translate({X28}, ratio=2.0)", ValueError, "expected ratio in (0, 1]"),
    lib("augment", "augment.cutout(torch.zeros(4, 1, 28, 28, dtype=torch.uint8))", TypeError, "floating-point"),
    # checkpoints, the classifier, the live view, the 2-D lab
    lib("checkpoint", "checkpoint.load_run(FILES['folder'] / 'missing.pt')", ValueError, "no checkpoint at"),
    lib("checkpoint", "checkpoint.load_run(FILES['run'])", ValueError, "(it holds checkpoint.pt: pass that)"),
    lib("checkpoint", "checkpoint.load_run(FILES['truncated'])", ValueError, "not a readable gan_lab checkpoint"),
    lib("checkpoint", "checkpoint.load_run(FILES['notes'])", ValueError, "not a readable gan_lab checkpoint"),
    lib("checkpoint", "checkpoint.load_run(FILES['classifier'])", ValueError, "is not a gan_lab checkpoint"),
    lib("checkpoint", "checkpoint.load_run(FILES['incomplete'])", ValueError, "an incomplete gan_lab checkpoint"),
    lib("checkpoint", "checkpoint.load_run(FILES['checkpoint'], device='gpu')", ValueError, "unknown device 'gpu'"),
    lib("checkpoint", "checkpoint.load_run(None)", TypeError, "expected a checkpoint path, got None"),
    lib("checkpoint", "checkpoint.load_run(FILES['noema']).weights('best')", ValueError, "one of auto, ema, raw"),
    lib("classifier", "load_classifier(FILES['checkpoint'])", ValueError, "is a training checkpoint"),
    lib("evaluate", "to_classifier_input(torch.zeros(4, 3, 64, 64))", ValueError, "one channel, got (4, 3, 64, 64)"),
    lib("evaluate", "to_classifier_input(torch.zeros(64, 64))", ValueError, "expected images of shape (N, 1, H, W)"),
    lib("classifier", "load_classifier(FILES['folder'] / 'none.pt')", ValueError, "no classifier weights at"),
    lib("live", "LiveProgress(models.MLPGenerator(), models.MLPDiscriminator(), steps=0)", ValueError, "steps >= 1"),
    lib("live", "LiveProgress(models.MLPGenerator(), None, steps=10)", TypeError, "expected discriminator as a"),
    lib("live", f"LiveProgress(G28, D28, steps=10).update(11, 0.5, 0.5, {X28}, {X28})", ValueError, "step in 1..10"),
    lib("live", f"LiveProgress(G28, D28, steps=10).update(0, 0.5, 0.5, {X28}, {X28})", ValueError, "counted from 1"),
    lib("lab2d", "lab2d_metrics.score_points(torch.randn(10, 3), mixtures.make_mixture('ring'))", ValueError, "(N, 2)"),
    lib("lab2d", "mixtures.make_mixture('spiral')", ValueError, "unknown mixture 'spiral'"),
    lib("runtime", "runtime.pick_device('gpu')", ValueError, "unknown device 'gpu': expected auto, cpu, cuda"),
    lib("runtime", "runtime.pick_device(0)", TypeError, "expected a device name such as 'cpu'"),
]


def make_files(tmp: Path, run: Path) -> dict[str, Path]:
    """The files the rows name: a real run, and files that look like checkpoints but are not."""
    from gan_lab.classifier import WEIGHTS_PATH
    from gan_lab.runtime import atomic_write

    checkpoint = run / "checkpoint.pt"
    files = {"run": run, "checkpoint": checkpoint, "classifier": WEIGHTS_PATH, "folder": tmp / "folder"}
    files["folder"].mkdir(exist_ok=True)
    files["truncated"] = tmp / "truncated.pt"
    files["truncated"].write_bytes(checkpoint.read_bytes()[:5000])
    files["notes"] = tmp / "notes.txt"
    files["notes"].write_text("not a checkpoint\n")
    files["incomplete"] = tmp / "incomplete.pt"
    state = torch.load(checkpoint, weights_only=True)
    del state["generator"]
    atomic_write(files["incomplete"], lambda path: torch.save(state, path))
    files["noema"] = tmp / "noema.pt"  # a run trained without --ema, whatever the defaults
    state = torch.load(checkpoint, weights_only=True)
    state.pop("generator_ema", None)
    state["config"]["ema"] = 0.0
    atomic_write(files["noema"], lambda path: torch.save(state, path))
    return files


def namespace(files: dict[str, Path]) -> dict[str, Any]:
    """What the rows' expressions may name: gan_lab's learner-facing modules and a few inputs."""
    from gan_lab import (
        augment,
        checkpoint,
        data,
        ema,
        latent,
        losses,
        metrics,
        models,
        objectives,
        plots,
        regularizers,
        runtime,
        theory,
    )
    from gan_lab.classifier import load_classifier
    from gan_lab.evaluate import to_classifier_input
    from gan_lab.lab2d import metrics as lab2d_metrics
    from gan_lab.lab2d import mixtures
    from gan_lab.live import LiveProgress
    from gan_lab.models.classifier import MNISTClassifier

    return {
        **{m.__name__.rsplit(".", 1)[-1]: m for m in (augment, checkpoint, data, ema, latent, losses, metrics)},
        **{m.__name__.rsplit(".", 1)[-1]: m for m in (models, objectives, plots, regularizers, runtime, theory)},
        "lab2d_metrics": lab2d_metrics,
        "mixtures": mixtures,
        "load_classifier": load_classifier,
        "to_classifier_input": to_classifier_input,
        "LiveProgress": LiveProgress,
        "MNISTClassifier": MNISTClassifier,
        "torch": torch,
        "np": np,
        "FILES": files,
        "G28": models.MLPGenerator(),
        "D28": models.MLPDiscriminator(),
        "P5": np.full(5, 0.5),
    }


def raised(code: str, space: dict[str, Any]) -> BaseException | None:
    """What evaluating ``code`` raised (None when it returned)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eval(code, space)  # the row's own expression, as the table in docs/bad_input.md shows it
    except Exception as err:
        return err
    return None


# --- the command lines: program, arguments ({run}, {tmp} ... name the files of make_files), fragment


def cmd(program: str, args: str, fragment: str) -> Case:
    return Case(program, args, SystemExit, fragment)


GAN_LAB = "gan-lab"
GRADING = "python -m gan_lab.grading"
SMOKE_ARGS = " ".join(SMOKE)
COMMANDS = [
    cmd(GAN_LAB, "", "the following arguments are required: COMMAND"),
    cmd(GAN_LAB, "fit --model mlp", "invalid choice: 'fit'"),
    cmd(GAN_LAB, "train --model gpt", "argument --model: invalid choice: 'gpt'"),
    cmd(GAN_LAB, "train --loss hinge-gp", "argument --loss: invalid choice: 'hinge-gp'"),
    cmd(GAN_LAB, "train --loss wgan-gp --model dcgan", "BatchNorm"),
    cmd(GAN_LAB, "train --n-critic 0", "--n-critic"),
    cmd(GAN_LAB, "train --clip 0.01", "--clip"),
    cmd(GAN_LAB, "train --dataset cifar10", "argument --dataset: invalid choice: 'cifar10'"),
    cmd(GAN_LAB, "train --epochs ten", "argument --epochs: invalid int value: 'ten'"),
    cmd(GAN_LAB, "train --lr fast", "argument --lr: invalid float value: 'fast'"),
    cmd(GAN_LAB, "train --image-size 64", "unrecognized arguments: --image-size 64"),
    cmd(GAN_LAB, "train --epochs -3 --out {tmp}/a", "--epochs must be 0 or more, got -3"),
    cmd(GAN_LAB, "train --batch-size -64 --out {tmp}/a", "--batch-size must be a positive integer, got -64"),
    cmd(GAN_LAB, "train --latent-dim 0 --out {tmp}/a", "--latent-dim must be a positive integer, got 0"),
    cmd(GAN_LAB, "train --n-fixed 0 --out {tmp}/a", "--n-fixed must be a positive integer, got 0"),
    cmd(GAN_LAB, "train --max-samples -1 --out {tmp}/a", "--max-samples must be 0 or more, got -1"),
    cmd(GAN_LAB, "train --lr -0.001 --out {tmp}/a", "expected --lr > 0"),
    cmd(GAN_LAB, "train --lr-d -1 --out {tmp}/a", "--lr-d >= 0"),
    cmd(GAN_LAB, "train --beta1 1.5 --out {tmp}/a", "0 <= --beta1, --beta2 < 1"),
    cmd(GAN_LAB, "train --ema 1.5 --out {tmp}/a", "--ema must be in [0, 1), got 1.5"),
    cmd(GAN_LAB, "train --real-label 0.2 --out {tmp}/a", "--real-label must be in (0.5, 1], got 0.2"),
    cmd(GAN_LAB, "train --augment rotate --out {tmp}/a", "unknown augmentation 'rotate'"),
    cmd(GAN_LAB, "train --num-threads -2 --out {tmp}/a", "--num-threads must be 0 or more, got -2"),
    cmd(GAN_LAB, "train --device gpu --out {tmp}/a", "unknown device 'gpu'"),
    cmd(GAN_LAB, f"train {SMOKE_ARGS} --max-samples 32 --out {{tmp}}/a", "fewer than one batch of 64"),
    cmd(GAN_LAB, "train --dataset mnist --data-dir {notes} --out {tmp}/a", "expected data_dir to be a folder"),
    cmd(GAN_LAB, "train --resume --out {tmp}/empty", "no checkpoint at"),
    cmd(GAN_LAB, "train --resume --out {run} --model dcgan", "--model dcgan conflicts with the run in"),
    cmd(GAN_LAB, "train --resume --out {run} --batch-size 32", "--batch-size 32 conflicts with the run in"),
    cmd(GAN_LAB, f"train {SMOKE_ARGS} --out {{run}}", "already holds a run"),
    cmd(GAN_LAB, f"train {SMOKE_ARGS} --out {{notes}}/run", "cannot write into"),
    cmd(GAN_LAB, "sample", "--checkpoint is required"),
    cmd(GAN_LAB, "sample --checkpoint {tmp}/missing.pt", "no checkpoint at"),
    cmd(GAN_LAB, "sample --checkpoint {run}", "expected a checkpoint file, got the folder"),
    cmd(GAN_LAB, "sample --checkpoint {truncated}", "not a readable gan_lab checkpoint (corrupt or truncated"),
    cmd(GAN_LAB, "sample --checkpoint {notes}", "not a readable gan_lab checkpoint"),
    cmd(GAN_LAB, "sample --checkpoint {classifier}", "is not a gan_lab checkpoint"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --weights best", "argument --weights: invalid choice: 'best'"),
    cmd(GAN_LAB, "sample --checkpoint {noema} --weights ema", "holds no moving average (trained without --ema)"),
    cmd(GAN_LAB, "sample --checkpoint {incomplete}", "an incomplete gan_lab checkpoint"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --n 0", "--n must be a positive integer, got 0"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --n -5", "--n must be a positive integer, got -5"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --digit 3", "--digit needs a class-conditional model"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --truncation -1", "--truncation must be 0 (off)"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --device gpu", "unknown device 'gpu'"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --out {tmp}/grid.jpg", "--out must be a .png file"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --out {folder}", "--out must be a .png file"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --out {notes}/grid.png", "is a file, not a folder"),
    cmd(GAN_LAB, "sample --checkpoint {checkpoint} --out {tmp}/g.png --npz {tmp}/a.npy", "--npz must be a .npz file"),
    cmd(GAN_LAB, "evaluate", "--checkpoint is required"),
    cmd(GAN_LAB, "evaluate --checkpoint {tmp}/missing.pt", "no checkpoint at"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --n 5", "--n must be at least 10"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --kid-subsets 0", "expected --kid-subsets >= 1"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --kid-subset-size 1", "--kid-subset-size >= 2"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --out {tmp}/e.csv", "--out must be a .json file"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --figures {notes}", "--figures must be a folder"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --stages '{tmp}/nothing*.pt'", "matches no file"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --classifier {tmp}/none.pt", "no classifier weights at"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --classifier {checkpoint}", "is a training checkpoint"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --truncation -0.5", "--truncation must be 0 (off)"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --device cuda:x", "unknown device 'cuda:x'"),
    cmd(GAN_LAB, "evaluate --checkpoint {checkpoint} --weights best", "argument --weights: invalid choice: 'best'"),
    cmd(GAN_LAB, "evaluate --checkpoint {noema} --weights ema", "holds no moving average (trained without --ema)"),
    cmd(GAN_LAB, "export", "--checkpoint is required"),
    cmd(GAN_LAB, "export --checkpoint {notes}", "not a readable gan_lab checkpoint"),
    cmd(GAN_LAB, "export --checkpoint {checkpoint} --format tflite", "argument --format: invalid choice: 'tflite'"),
    cmd(GAN_LAB, "export --checkpoint {checkpoint} --out {tmp}/g.pt", "--out must be a .onnx file"),
    cmd(GAN_LAB, "train-classifier --epochs 0 --out {tmp}/c.pt", "--epochs must be a positive integer, got 0"),
    cmd(
        GAN_LAB, "train-classifier --batch-size -1 --out {tmp}/c.pt", "--batch-size must be a positive integer, got -1"
    ),
    cmd(GAN_LAB, "train-classifier --lr 0 --out {tmp}/c.pt", "--lr must be > 0, got 0.0"),
    cmd(GAN_LAB, "train-classifier --dataset fashion-mnist --out {tmp}/c.pt", "argument --dataset: invalid choice"),
    cmd(GAN_LAB, "train-classifier --out {tmp}/weights.json", "--out must be a .pt file"),
    cmd(GAN_LAB, "train-classifier --device tpu --out {tmp}/c.pt", "unknown device 'tpu'"),
    cmd(GRADING, "", "the following arguments are required: command"),
    cmd(GRADING, "publish", "argument command: invalid choice: 'publish'"),
    cmd(GRADING, "grade --root {tmp}/nowhere", "has no nbgrader_config.py"),
    cmd(GRADING, "grade --root {notes}", "has no nbgrader_config.py"),
    cmd(GRADING, "grade --cell-s 0", "--cell-s must be > 0, got 0.0"),
    cmd(GRADING, "grade --memory-bytes -1", "--memory-bytes must be > 0, got -1"),
    cmd(GRADING, "grade --wall-s ten", "argument --wall-s: invalid float value: 'ten'"),
    cmd(GRADING, "grade --backup", "--backup applies to generate only"),
    cmd(GRADING, "generate --unsafe-no-sandbox", "--unsafe-no-sandbox and the limits apply to grade only"),
    cmd(GRADING, "strip --cpu-s 5", "--unsafe-no-sandbox and the limits apply to grade only"),
]


def run_command(program: str, args: list[str], cwd: Path) -> tuple[int | str | None, list[str]]:
    """Run a command in this process: its exit status and the lines it printed on stderr."""
    if program == GAN_LAB:
        from gan_lab.cli import main
    else:
        from gan_lab.grading.__main__ import main
    stderr = io.StringIO()
    # in a folder of its own: a row whose check is missing must not leave grid.png or runs/ in the repository
    # (train-classifier rows name their --out: its default is the package's committed weights)
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()), contextlib.chdir(cwd):
        try:
            status = main(args)
        except SystemExit as exit:  # argparse exits by itself
            status = exit.code
    return status, stderr.getvalue().splitlines()


def command_args(case: Case, files: dict[str, Path]) -> list[str]:
    """The arguments of a command row, its placeholders filled (quotes only group, as in a shell)."""
    import shlex

    return shlex.split(case.code.format(tmp=files["folder"].parent, **files))


# --- the tests


@pytest.fixture(scope="module")
def files(tiny_run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_files(tmp_path_factory.mktemp("bad_input"), tiny_run)


def ident(case: Case) -> str:
    return f"{case.area}:{case.code[:60]}"


@pytest.mark.parametrize("case", LIBRARY, ids=ident)
def test_a_bad_call_says_what_was_expected(case: Case, files: dict[str, Path]) -> None:
    err = raised(case.code, namespace(files))
    assert err is not None, f"{case.code} raised nothing"
    message = str(err)
    assert isinstance(err, case.error), f"{case.code} raised {type(err).__name__}: {message}"
    assert isinstance(err, GanLabError), f"{case.code} raised {type(err).__name__} from outside gan_lab: {message}"
    assert "\n" not in message and len(message) < 300, message
    assert case.fragment in message, f"{case.fragment!r} not in {message!r}"


@pytest.mark.parametrize("case", COMMANDS, ids=ident)
def test_a_bad_command_line_is_one_line_and_status_2(case: Case, files: dict[str, Path]) -> None:
    status, lines = run_command(case.area, command_args(case, files), files["folder"])
    assert status == 2, (status, lines)
    assert len(lines) == 1, lines
    assert case.fragment in lines[0], f"{case.fragment!r} not in {lines[0]!r}"


@pytest.mark.parametrize(
    ("module", "args", "fragment"),
    [("gan_lab", ["train", "--epochs", "-3"], "--epochs must be 0 or more"), ("gan_lab.grading", ["frob"], "frob")],
)
def test_the_real_programs_print_one_line_and_exit_2(
    module: str, args: list[str], fragment: str, tmp_path: Path
) -> None:
    """The same through a fresh interpreter: no warning, no traceback, nothing else on stderr."""
    if module == "gan_lab":
        result = run_cli(*args, "--out", str(tmp_path / "x"))
    else:
        import subprocess
        import sys

        from tests.conftest import ENV, ROOT

        result = subprocess.run(
            [sys.executable, "-m", module, *args], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=120
        )
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and fragment in result.stderr, result.stderr


def test_every_loss_family_checks_its_logits() -> None:
    """Every family of LOSSES, both players, refuses images in place of scores: none is left unchecked."""
    from gan_lab import losses

    images, scores = torch.zeros(4, 1, 28, 28), torch.zeros(4, 1)
    for kind in losses.LOSSES:
        with pytest.raises(GanLabError, match="one score per image"):
            losses.family_discriminator_loss(kind, images, scores)
        with pytest.raises(GanLabError, match="one score per image"):
            losses.family_generator_loss(kind, images)
        # and the right shapes still work, (N,) as well as (N, 1)
        assert torch.isfinite(losses.family_discriminator_loss(kind, scores.view(-1), scores))
        assert torch.isfinite(losses.family_generator_loss(kind, scores.view(-1)))


def test_theory_and_its_errors_load_no_torch() -> None:
    """Lesson 6 is graded with numpy and scipy only, in a sandbox that refuses to load a shared library after
    learner code starts: importing gan_lab.theory (and the errors it raises) must not pull torch in."""
    import subprocess
    import sys

    from tests.conftest import ENV, ROOT

    code = "import sys, gan_lab.theory, gan_lab.errors; print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0 and result.stdout.strip() == "False", result.stdout + result.stderr
