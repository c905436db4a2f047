"""gan_lab.checks itself: the grade cells' way of getting the checks cannot be fooled by learner code
(reassigned checks, monkeypatched torch/numpy/scipy functions), references do not depend on the torch
functions a learner calls, a blank exercise reports NotImplementedError, and the numpy-only lessons
never import torch."""

from __future__ import annotations

import importlib
import inspect
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.linalg
import scipy.spatial.distance
import scipy.special
import torch
import torch.nn.functional as F

import gan_lab.checks
from gan_lab import losses
from gan_lab.checks import EXERCISES, LESSONS

torch.set_num_threads(1)
LEARNER_COPY: dict = {"__name__": "__main__"}
exec(compile(inspect.getsource(losses), "<learner cell>", "exec"), LEARNER_COPY)  # gan_lab's code, as notebook code


def own_loss(logits_real, logits_fake):
    """A learner's correct discriminator loss."""
    return F.softplus(-logits_real).mean() + F.softplus(logits_fake).mean()


def swapped_loss(logits_real, logits_fake):
    """A wrong discriminator loss (real and fake targets swapped)."""
    return own_loss(logits_fake, logits_real)


def fresh():
    """What a grade cell does."""
    return importlib.reload(gan_lab.checks)


def test_exercises_and_lessons_agree() -> None:
    assert len(EXERCISES) == sum(len(e) for e in LESSONS.values()) >= 20
    for exercise, check in EXERCISES.items():
        assert check.__name__ == gan_lab.checks.check_name(exercise)
        assert check.__doc__, exercise
    assert gan_lab.checks.check_name("MLPGenerator") == "check_mlp_generator"
    assert gan_lab.checks.check_name("Conv64Discriminator") == "check_conv64_discriminator"


def test_reassigned_checks_are_replaced_by_a_reload() -> None:
    checks = fresh()
    checks.check_discriminator_loss = lambda *args, **kwargs: None  # a learner's cell
    importlib.import_module("gan_lab.checks.lesson2_losses").check_discriminator_loss = lambda *args, **kwargs: None
    checks.EXERCISES = {"discriminator_loss": lambda *args, **kwargs: None}
    checks = fresh()  # the grade cell
    with pytest.raises(AssertionError, match="swapped real/fake labels"):
        checks.check_discriminator_loss(swapped_loss)
    with pytest.raises(AssertionError, match="swapped real/fake labels"):
        checks.EXERCISES["discriminator_loss"](swapped_loss)


@pytest.mark.parametrize(
    ("owner", "name"),
    [
        (F, "binary_cross_entropy_with_logits"),
        (torch, "allclose"),
        (torch.Tensor, "detach"),
        (np, "allclose"),
        (math, "isclose"),
        (scipy.spatial.distance, "jensenshannon"),
    ],
)
def test_monkeypatched_library_functions_are_refused(monkeypatch: pytest.MonkeyPatch, owner, name: str) -> None:
    checks = fresh()
    checks.check_discriminator_loss(own_loss)  # torch's originals are recorded by now
    monkeypatch.setattr(owner, name, lambda *args, **kwargs: True)
    with pytest.raises(AssertionError, match="was replaced in this session"):
        fresh().check_discriminator_loss(own_loss)
    with pytest.raises(AssertionError, match="was replaced in this session"):
        fresh().check_jsd(lambda p, q: 0.0)


def test_references_do_not_come_from_the_torch_function_the_learner_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even with the guard switched off, a patched F.binary_cross_entropy_with_logits cannot move the reference:
    the losses' references are closed-form numpy."""
    fresh()
    lesson2 = importlib.import_module("gan_lab.checks.lesson2_losses")
    monkeypatch.setattr(lesson2, "verify_untouched", lambda: None)
    original = F.binary_cross_entropy_with_logits
    # the learner's wrong loss goes through the patched function, which now agrees with anything torch-based
    monkeypatch.setattr(F, "binary_cross_entropy_with_logits", lambda x, y, **kw: original(x, 1 - y, **kw))
    with pytest.raises(AssertionError, match="swapped real/fake labels"):  # the numpy reference did not move
        lesson2.check_discriminator_loss(LEARNER_COPY["discriminator_loss"])


CHEATING_SESSION = """
import importlib
import torch
import torch.nn.functional as F
from gan_lab import checks                      # setup cell

def discriminator_loss(logits_real, logits_fake):  # learner cell: wrong, and cheating
    return F.binary_cross_entropy_with_logits(logits_real, torch.zeros_like(logits_real)) + \\
        F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))
checks.check_discriminator_loss = lambda *args, **kwargs: None
torch.allclose = lambda *args, **kwargs: True

import gan_lab.checks                           # grade cell
checks = importlib.reload(gan_lab.checks)
checks.check_discriminator_loss(discriminator_loss)
"""


def test_cheating_session_fails_in_a_fresh_process() -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHEATING_SESSION)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert "AssertionError" in result.stderr and "torch.allclose was replaced" in result.stderr


def test_blank_exercise_reports_not_implemented() -> None:
    def blank(*args, **kwargs):
        raise NotImplementedError()

    for exercise in ("sample_z", "discriminator_loss", "d_step", "jsd", "frechet_distance"):
        with pytest.raises(NotImplementedError):
            EXERCISES[exercise](blank)


def test_numpy_lessons_do_not_import_torch() -> None:
    code = """
import sys
import numpy as np
from gan_lab import checks
checks.check_optimal_discriminator(lambda p, q: p / (p + q))
checks.check_feature_statistics(lambda f: (f.mean(axis=0), np.cov(f, rowvar=False)))
assert "torch" not in sys.modules, "torch was imported"
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr


def test_device_checks_run_on_meta() -> None:
    """The device properties are tested on PyTorch's 'meta' device, which exists on every machine."""
    with pytest.raises(AssertionError, match="device argument is ignored"):
        EXERCISES["sample_z"](lambda batch_size, latent_dim, device="cpu": torch.randn(batch_size, latent_dim))


def test_library_code_earns_no_credit() -> None:
    """Imported, subclassed, wrapped (directly, through a module, a helper, a closure or getattr) or built
    from gan_lab's modules: refused with 'write your own'; so is a function of an installed package."""
    from gan_lab import models, train
    from gan_lab.losses import discriminator_loss

    class Subclass(models.MLPDiscriminator):
        def forward(self, x):
            return super().forward(x)

    class Holder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = models.MLPDiscriminator()

        def forward(self, x):
            return self.inner(x)

    def helper(r, f):
        return losses.discriminator_loss(r, f)

    def via_module(r, f):
        return losses.discriminator_loss(r, f)

    def via_helper(r, f):
        return helper(r, f)

    def via_getattr(r, f):
        return getattr(importlib.import_module("gan_lab." + "losses"), "discriminator_" + "loss")(r, f)

    def d_step(discriminator, opt_d, x_real, x_fake):
        return train.d_step(discriminator, opt_d, x_real, x_fake)["loss_d"]

    cases = [
        ("discriminator_loss", discriminator_loss),
        ("discriminator_loss", torch.no_grad()(discriminator_loss)),
        ("discriminator_loss", via_module),
        ("discriminator_loss", via_helper),
        ("discriminator_loss", lambda r, f: discriminator_loss(r, f)),
        ("discriminator_loss", via_getattr),
        ("discriminator_loss_smoothed", lambda r, f, real_label=0.9: discriminator_loss(r, f, real_label)),
        ("MLPDiscriminator", models.MLPDiscriminator),
        ("MLPDiscriminator", Subclass),
        ("MLPDiscriminator", Holder),
        ("d_step", d_step),
        ("init_weights", lambda m: m.apply(models.dcgan_init)),
        ("sample_z", torch.randn),
        ("frechet_distance", scipy.linalg.sqrtm),
    ]
    for exercise, candidate in cases:
        with pytest.raises(AssertionError, match="write your own") as err:
            EXERCISES[exercise](candidate)
        assert "Fix:" in str(err.value), exercise


def test_gan_lab_code_for_another_exercise_is_allowed() -> None:
    """The lessons provide gan_lab pieces for other exercises (lesson 3's losses and steps): no refusal."""
    from gan_lab import train

    def train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim):
        z = torch.randn(x_real.shape[0], latent_dim, device=x_real.device)
        x_fake = generator(z)
        return train.d_step(discriminator, opt_d, x_real, x_fake)["loss_d"], train.g_step(discriminator, opt_g, x_fake)[
            "loss_g"
        ]

    EXERCISES["train_step"](train_step)


@pytest.mark.parametrize(
    ("exercise", "candidate", "phrase"),
    [
        (
            "d_step",
            lambda d, o, r, f: (_ for _ in ()).throw(RuntimeError("mat1 and mat2 shapes cannot be multiplied")),
            "wrong size",
        ),
        ("d_step", lambda d, o, r, f: (f.detach_(), 0.5)[1], "in place"),
        ("g_step", lambda d, o, f: torch.ones(3).item(), "RuntimeError"),
        ("discriminator_loss", lambda r, f: r.double() + torch.ones(3, 3), "Fix:"),
        ("MLPGenerator", lambda latent_dim: 1 / 0, "ZeroDivisionError"),
        ("jsd", lambda p, q: {}["key"], "KeyError"),
    ],
)
def test_learner_errors_end_as_hints(exercise: str, candidate, phrase: str) -> None:
    """Whatever learner code raises inside a check ends as an AssertionError hint, never a bare traceback."""
    with pytest.raises(AssertionError, match=phrase) as err:
        EXERCISES[exercise](candidate)
    assert "Fix:" in str(err.value)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_gan_lab_steps_on_cuda_pass_the_train_step_check() -> None:
    from gan_lab.train import d_step, g_step

    def train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim):
        z = torch.randn(x_real.shape[0], latent_dim, device=x_real.device)
        x_fake = generator(z)
        return d_step(discriminator, opt_d, x_real, x_fake)["loss_d"], g_step(discriminator, opt_g, x_fake)["loss_g"]

    EXERCISES["train_step"](train_step)
