"""The mistake catalog against the checks: every mistake fails its check with its hint, and every
reference solution (the solutions notebooks' code, and gan_lab's own implementations where the exercise
is one of them) passes every check, visible and hidden cases."""

from __future__ import annotations

import functools
import inspect

import pytest
import torch
from mistakes import catalog, solution_namespace

from gan_lab import checks, losses, models, regularizers
from gan_lab.checks import EXERCISES, LESSONS, learned_loop, lesson_of
from gan_lab.models import conv64, dcgan, mlp

torch.set_num_threads(1)
MISTAKES = catalog()


@functools.cache
def namespace(lesson: str) -> dict:
    return solution_namespace(lesson)


def test_catalog_is_large_and_well_formed() -> None:
    assert len(MISTAKES) >= 120
    for name, module in MISTAKES.items():
        assert module.EXERCISE in EXERCISES, name
        assert module.HINT and module.__doc__, name
        assert hasattr(module, module.EXERCISE), f"{name} does not define {module.EXERCISE}"
    assert len(EXERCISES) >= 20 and len(LESSONS) >= 7


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_mistake_fails_its_check_with_its_hint(name: str) -> None:
    module = MISTAKES[name]
    check = EXERCISES[module.EXERCISE]
    candidate = getattr(module, module.EXERCISE)
    with pytest.raises(AssertionError) as err:
        check(candidate)
        check(candidate, hidden=True)  # a mistake the visible cases miss must show in the hidden ones
    message = str(err.value)
    assert module.HINT.lower() in message.lower(), f"{name}: expected the hint {module.HINT!r}, got: {message}"
    assert "Fix:" in message or "restart the kernel" in message


TRAINS_ITS_RUN = {run.loop for run in learned_loop.RUNS.values()}  # their hidden cases train for minutes: slow


@pytest.mark.parametrize(
    ("exercise", "hidden"),
    [
        pytest.param(e, h, marks=[pytest.mark.slow] if h and e in TRAINS_ITS_RUN else [], id=f"{e}-{h}")
        for h in (False, True)
        for e in EXERCISES
    ],
)
def test_reference_solution_passes(exercise: str, hidden: bool) -> None:
    candidate = namespace(lesson_of(exercise))[exercise]
    EXERCISES[exercise](candidate, hidden=hidden)


def learner_copy(module) -> dict:
    """gan_lab's source of ``module`` run as notebook code: the same behaviour, written by 'the learner'."""
    namespace: dict = {"__name__": "__main__"}
    exec(compile(inspect.getsource(module), "<learner cell>", "exec"), namespace)
    return namespace


MLP, CONV64, LOSSES, DCGAN, REGULARIZERS = (learner_copy(m) for m in (mlp, conv64, losses, dcgan, regularizers))
GAN_LAB_IMPLEMENTATIONS = {  # exercise -> (gan_lab's object, the same code as learner code)
    "discriminator_loss": (losses.discriminator_loss, LOSSES["discriminator_loss"]),
    "generator_loss_saturating": (losses.generator_loss_saturating, LOSSES["generator_loss_saturating"]),
    "generator_loss_non_saturating": (losses.generator_loss_non_saturating, LOSSES["generator_loss_non_saturating"]),
    "discriminator_loss_smoothed": (losses.discriminator_loss, LOSSES["discriminator_loss"]),
    "MLPDiscriminator": (models.MLPDiscriminator, MLP["MLPDiscriminator"]),
    "MLPGenerator": (models.MLPGenerator, MLP["MLPGenerator"]),
    "Conv64Generator": (models.Conv64Generator, CONV64["Conv64Generator"]),
    "Conv64Discriminator": (models.Conv64Discriminator, CONV64["Conv64Discriminator"]),
    "init_weights": (models.dcgan_init, lambda model: model.apply(DCGAN["dcgan_init"])),
    "gradient_penalty": (regularizers.gradient_penalty, REGULARIZERS["gradient_penalty"]),
    "critic_loss": (losses.wasserstein_critic_loss, LOSSES["wasserstein_critic_loss"]),
    "generator_loss": (losses.wasserstein_generator_loss, LOSSES["wasserstein_generator_loss"]),
}


@pytest.mark.parametrize("exercise", list(GAN_LAB_IMPLEMENTATIONS))
def test_gan_lab_implementations_earn_no_credit_but_their_code_passes(exercise: str) -> None:
    """gan_lab's own object is refused ('write your own'); the very same code written in a notebook passes."""
    reference, copy = GAN_LAB_IMPLEMENTATIONS[exercise]
    with pytest.raises(AssertionError, match="write your own"):
        EXERCISES[exercise](reference)
    for hidden in (False, True):
        EXERCISES[exercise](copy, hidden=hidden)


def test_every_exercise_has_a_mistake_and_a_check_attribute() -> None:
    targeted = {m.EXERCISE for m in MISTAKES.values()}
    assert targeted == set(EXERCISES), f"exercises without a mistake: {set(EXERCISES) - targeted}"
    for exercise in EXERCISES:
        assert getattr(checks, checks.check_name(exercise)) is EXERCISES[exercise]
