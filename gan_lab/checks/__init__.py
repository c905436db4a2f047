"""Checks of the graded lessons: one ``check_<exercise>(candidate, hidden=False)`` per exercise.

Each check runs property tests on the learner's function or class (shapes and dtypes over several
sizes, values against references computed here, gradient flow, device handling on the 'meta' device,
determinism under a seed, parameter counts) and raises ``AssertionError`` whose message names the
likely mistake and its fix. ``hidden=True`` runs other cases (the hidden tests of the grade cells).

Every check runs through one wrapper (``_graded``): code that comes from gan_lab or from an installed
package, subclasses it or wraps it earns no credit (``_provenance``: "write your own"), and any exception
the learner's code raises inside a check ends as a hint that names the likely mistake (``_guard.explain``),
never a bare torch traceback. Networks are compared with their layer table by behaviour (``_networks``),
the lesson-3 steps with reference steps on a test discriminator with BatchNorm and dropout (``_steps``),
and sizes are swept with hypothesis, derandomized (``_sweep``).

``EXERCISES`` maps exercise name -> check; the exercise name is also the name of the function or class
the learner writes in the notebook. ``LESSONS`` maps lesson (nbgrader assignment) -> {exercise: points}.

Grade cells get the checks afresh with ``importlib.reload(gan_lab.checks)``: reloading this package
drops every lesson module, which is then imported again on first use, so a learner cell that reassigned
a check has no effect. The original library functions live in ``_guard``/``_torch_guard`` (imported once,
never reloaded), which refuse to run a check after a torch, numpy or scipy function it relies on was
monkeypatched. Lesson modules are imported lazily, so the numpy-only lessons never import torch.
"""

# ruff: noqa: E402  (the imports follow the clean-up below on purpose)
from __future__ import annotations

# A reload re-runs this file in the same module namespace: first drop every name a learner cell may have
# assigned to it (e.g. ``checks.check_jsd = lambda *a: None``), so only what is defined below remains.
for _name in [_n for _n in globals() if not _n.startswith("__") or _n in ("__getattr__", "__dir__")]:
    del globals()[_name]

import functools
import importlib
import re
import sys
from collections.abc import Iterator, Mapping

from gan_lab.checks import _guard, _provenance  # first import keeps the original library functions

if "torch" in sys.modules:  # a torch lesson: keep torch's originals now, before any learner code runs
    from gan_lab.checks import _torch_guard  # noqa: F401

LESSONS: dict[str, dict[str, int]] = {
    "01_noise_and_mlp_blocks": {"sample_z": 2, "MLPGenerator": 3, "MLPDiscriminator": 2, "scale_images": 1},
    "02_losses": {
        "discriminator_loss": 3,
        "generator_loss_saturating": 2,
        "generator_loss_non_saturating": 2,
        "discriminator_loss_smoothed": 2,
    },
    "03_training_step": {"d_step": 3, "g_step": 3, "train_step": 2, "sample_images": 2, "train_gan": 3},
    "04_conv_gan_64": {
        "conv_out_size": 1,
        "conv_transpose_out_size": 1,
        "Conv64Generator": 3,
        "Conv64Discriminator": 2,
        "init_weights": 2,
        "train_conv64": 2,
    },
    "05_dcgan_gpu": {"fixed_noise": 2, "build_dcgan": 2, "to_unit_cpu": 1, "train_dcgan": 2},
    "06_theory": {"optimal_discriminator": 2, "jsd": 2, "value_at_optimum": 2},
    "07_evaluation": {"feature_statistics": 2, "frechet_distance": 3},
    "08_wgan_gp": {"gradient_penalty": 3, "critic_loss": 1, "generator_loss": 1, "train_wgan_gp": 3},
    "09_conditional_gan": {"ConditionalGenerator": 3, "ProjectionDiscriminator": 3, "train_cgan": 4},
}
MODULES = {
    "01_noise_and_mlp_blocks": "lesson1_noise_mlp",
    "02_losses": "lesson2_losses",
    "03_training_step": "lesson3_training_step",
    "04_conv_gan_64": "lesson4_conv64",
    "05_dcgan_gpu": "lesson5_dcgan_gpu",
    "06_theory": "lesson6_theory",
    "07_evaluation": "lesson7_evaluation",
    "08_wgan_gp": "lesson8_wasserstein",  # the critic's and the generator's losses
    "gradient_penalty": "lesson8_gradient_penalty",
    # the training exercises of lessons 3-5: the loop on small networks, then (hidden cases) the lesson's run
    "train_gan": "learned_loop",
    "train_conv64": "learned_loop",
    "train_dcgan": "learned_loop",
    "train_wgan_gp": "learned2d",  # trains on the 2-D ring and counts the modes covered
    "09_conditional_gan": "lesson9_generator",  # the conditional generator's input
    "ProjectionDiscriminator": "lesson9_projection",
    "train_cgan": "lesson9_loop",  # the loop's labels, then the learner's cGAN trained and read by the classifier
}

for _module in [m for m in sys.modules if m.startswith((f"{__name__}.lesson", f"{__name__}.learned"))]:
    del sys.modules[_module]  # a reload of this package drops the lesson modules: fresh on next use


def check_name(exercise: str) -> str:
    """``MLPGenerator`` -> ``check_mlp_generator``, ``sample_z`` -> ``check_sample_z``."""
    return "check_" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", exercise).lower()


def lesson_of(exercise: str) -> str:
    """The lesson (nbgrader assignment) an exercise belongs to."""
    for lesson, exercises in LESSONS.items():
        if exercise in exercises:
            return lesson
    raise KeyError(f"unknown exercise {exercise!r}")


def _load(lesson: str, exercise: str = ""):
    return importlib.import_module(f"{__name__}.{MODULES.get(exercise) or MODULES[lesson]}")


def _graded(exercise: str, check):
    """The check as grade cells run it: library code earns nothing, and any error ends as a hint."""

    @functools.wraps(check)
    def run(candidate, hidden: bool = False) -> None:
        _guard.verify_untouched()
        _provenance.reject_reference(exercise, candidate)
        with _provenance.watching(exercise):
            try:
                check(candidate, hidden=hidden)
            except (AssertionError, NotImplementedError):
                raise
            except (NameError, ImportError, SyntaxError):  # a bug of the check itself: show it as it is
                raise
            except Exception as err:
                raise _guard.explain(exercise, err) from err

    return run


class _Exercises(Mapping):
    """exercise name -> check function, importing the lesson's module on first use."""

    def __getitem__(self, exercise: str):
        module = _load(lesson_of(exercise), exercise)
        graded = module.__dict__.setdefault("_GRADED", {})  # one wrapper per check while the module lives
        if exercise not in graded:
            graded[exercise] = _graded(exercise, module.CHECKS[exercise])
        return graded[exercise]

    def __iter__(self) -> Iterator[str]:
        return (e for exercises in LESSONS.values() for e in exercises)

    def __len__(self) -> int:
        return sum(len(e) for e in LESSONS.values())


EXERCISES: Mapping = _Exercises()
_BY_CHECK = {check_name(e): e for e in EXERCISES}


def __getattr__(name: str):
    by_check = globals().get("_BY_CHECK", {})  # absent while a reload runs
    if name in by_check:
        return EXERCISES[by_check[name]]
    if name == "check_learned":  # the "it learned" score of a trained generator (lessons 3-5)
        return importlib.import_module(f"{__name__}.learned").check_learned
    if name == "check_modes_covered":  # the "it learned" score of a generator trained on the ring (lesson 8)
        return importlib.import_module(f"{__name__}.learned2d").check_modes_covered
    if name == "check_class_agreement":  # the "it learned" score of a conditional generator (lesson 9)
        return importlib.import_module(f"{__name__}.learned_cgan").check_class_agreement
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_BY_CHECK])


__all__ = ["EXERCISES", "LESSONS", "MODULES", "check_name", "lesson_of", *_BY_CHECK]
