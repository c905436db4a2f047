"""gan_lab.checks itself: the grade cells' way of getting the checks cannot be fooled by learner code
(reassigned checks, monkeypatched torch/numpy/scipy functions), references do not depend on the torch
functions a learner calls, a blank exercise reports NotImplementedError, and the numpy-only lessons
never import torch."""

from __future__ import annotations

import importlib
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


def swapped_loss(logits_real, logits_fake):
    """A wrong discriminator loss (real and fake targets swapped)."""
    return losses.discriminator_loss(logits_fake, logits_real)


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
    checks.check_discriminator_loss(losses.discriminator_loss)  # torch's originals are recorded by now
    monkeypatch.setattr(owner, name, lambda *args, **kwargs: True)
    with pytest.raises(AssertionError, match="was replaced in this session"):
        fresh().check_discriminator_loss(losses.discriminator_loss)
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
        lesson2.check_discriminator_loss(losses.discriminator_loss)


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


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_gan_lab_steps_on_cuda_pass_the_train_step_check() -> None:
    from gan_lab.train import d_step, g_step

    def train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim):
        z = torch.randn(x_real.shape[0], latent_dim, device=x_real.device)
        x_fake = generator(z)
        return d_step(discriminator, opt_d, x_real, x_fake)["loss_d"], g_step(discriminator, opt_g, x_fake)["loss_g"]

    EXERCISES["train_step"](train_step)


def _alt_d_step(discriminator, opt_d, x_real, x_fake):
    discriminator.zero_grad()  # instead of opt_d.zero_grad(); one forward on the concatenated batch
    logits = discriminator(torch.cat([x_real, x_fake.detach()]))
    n = x_real.shape[0]
    loss_d = F.binary_cross_entropy_with_logits(logits[:n], torch.ones_like(logits[:n]))
    loss_d = loss_d + F.binary_cross_entropy_with_logits(logits[n:], torch.zeros_like(logits[n:]))
    loss_d.backward()
    opt_d.step()
    return loss_d  # not detached, still a valid answer


def _alt_g_step(discriminator, opt_g, x_fake):
    for p in discriminator.parameters():
        p.requires_grad = False
    opt_g.zero_grad(set_to_none=False)
    loss_g = -F.logsigmoid(discriminator(x_fake)).mean()
    loss_g.backward()
    for p in discriminator.parameters():
        p.requires_grad = True
    opt_g.step()
    return loss_g.item()


def _alt_sample_images(generator, n, latent_dim):
    mode = generator.training
    generator.eval()
    z = torch.randn(n, latent_dim).to(next(generator.parameters()).device)
    with torch.inference_mode():
        images = generator(z)
    generator.train(mode)
    return images


ALTERNATIVES = {  # correct answers written differently from the solutions: no check may reject them
    "sample_z": lambda b, d, device="cpu": torch.randn((b, d)).to(device),
    "scale_images": lambda x: (x.float() - 127.5) / 127.5,
    "discriminator_loss": lambda r, f: F.softplus(-r).mean() + F.softplus(f).mean(),
    "generator_loss_non_saturating": lambda f: -F.logsigmoid(f).mean(),
    "generator_loss_saturating": lambda f: -F.softplus(f).mean(),
    "discriminator_loss_smoothed": lambda r, f, real_label=0.9: (
        torch.nn.BCEWithLogitsLoss()(r, torch.ones_like(r) * real_label)
        + torch.nn.BCEWithLogitsLoss()(f, torch.zeros_like(f))
    ),
    "d_step": _alt_d_step,
    "g_step": _alt_g_step,
    "sample_images": _alt_sample_images,
    "conv_out_size": lambda s, k, st, p: int((s + 2 * p - k) / st) + 1,
    "fixed_noise": lambda n, d, device, seed: torch.randn(n, d, generator=torch.Generator("cpu").manual_seed(seed)).to(
        device
    ),
    "to_unit_cpu": lambda x: ((x.detach().cpu() + 1) / 2).clamp(0, 1),
    "jsd": lambda p, q: (
        0.5 * scipy.special.rel_entr(p, (p + q) / 2).sum() + 0.5 * scipy.special.rel_entr(q, (p + q) / 2).sum()
    ),
    "value_at_optimum": lambda p, q: (
        np.sum(scipy.special.xlogy(p, p / (p + q))) + np.sum(scipy.special.xlogy(q, q / (p + q)))
    ),
    "feature_statistics": lambda f: [f.mean(0), np.cov(f.T)],
    "frechet_distance": lambda m1, s1, m2, s2: (
        ((m1 - m2) ** 2).sum() + np.trace(s1 + s2 - 2 * scipy.linalg.sqrtm(s1 @ s2).real)
    ),
}


@pytest.mark.parametrize("exercise", list(ALTERNATIVES))
def test_valid_alternative_answers_pass(exercise: str) -> None:
    for hidden in (False, True):
        EXERCISES[exercise](ALTERNATIVES[exercise], hidden=hidden)
