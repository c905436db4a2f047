"""Checks of lesson 2, losses on logits: discriminator_loss, the two generator losses, label smoothing.

Every reference is computed in closed form with numpy (softplus via np.logaddexp), so redefining
torch.nn.functional in the notebook cannot move it. Wrong answers are recognised by comparing the
candidate's value with the value each known mistake would give on the same logits.
"""

from __future__ import annotations

import numpy as np
import torch

from gan_lab.checks._torch_guard import call, expect, fail, softplus, to_numpy, verify_untouched

FIXED_REAL = [[2.0], [0.5], [-1.0], [3.0]]
FIXED_FAKE = [[-3.0], [0.0], [1.5], [-0.5]]


def _sig(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _cases(hidden: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(17 if hidden else 3)
    cases = [(np.array(FIXED_REAL), np.array(FIXED_FAKE))]
    for n in (5, 64) if hidden else (2, 16):
        cases.append((rng.normal(0, 2, (n, 1)), rng.normal(0, 2, (n, 1))))
    return cases


def _value(ex: str, fn, *tensors, **kwargs) -> float:
    args = [torch.tensor(t, dtype=torch.float32, requires_grad=True) for t in tensors]
    out = call(ex, fn, *args, **kwargs)
    if isinstance(out, (float, int)):
        raise fail(
            ex,
            "returned a Python number: .item() or float() cuts the graph, backward() is impossible",
            "return the loss tensor itself",
        )
    expect(isinstance(out, torch.Tensor), ex, f"returned {type(out).__name__}", "return a scalar tensor")
    if out.dim() != 0:
        raise fail(
            ex,
            f"returned shape {tuple(out.shape)}, not a scalar: per-element losses were not reduced",
            "average over the batch (reduction='mean', the default)",
        )
    expect(
        out.requires_grad,
        ex,
        "the loss has no graph back to the logits (detached)",
        "compute it from the logits with differentiable torch operations",
    )
    return float(to_numpy(out))


def _stability(ex: str, fn, n_args: int, reference, **kwargs) -> None:
    """Large logits: a sigmoid followed by log (or by F.binary_cross_entropy) is inf or clamped there."""
    extreme = np.array([[-120.0], [120.0], [-30.0], [30.0]])
    got = _value(ex, fn, *([extreme] * n_args), **kwargs)
    if not np.isfinite(got) or not np.isclose(got, reference(extreme), rtol=1e-3):
        raise fail(
            ex,
            f"on large logits (|logit| = 120) the loss is {got} instead of {reference(extreme):.2f}: log(sigmoid(x)) underflows to log(0) (and F.binary_cross_entropy clamps it)",
            "compute it from the logits with F.binary_cross_entropy_with_logits (or F.softplus), which stay exact",
        )


def _device(ex: str, fn, n_args: int, **kwargs) -> None:
    """Targets must follow the logits: float64 logits must give a float64 loss (a cheap stand-in for devices)."""
    logits = [torch.zeros(4, 1, dtype=torch.float64) for _ in range(n_args)]
    out = call(ex, fn, *logits, **kwargs)
    expect(
        out.dtype == torch.float64,
        ex,
        f"float64 logits gave a {out.dtype} loss: the targets were built with torch.ones/zeros(...), which ignore the logits' dtype and device",
        "build targets with torch.ones_like/zeros_like/full_like(logits), which follow the logits' shape, dtype and device",
    )


def _diagnose(ex: str, got: float, expected: float, variants: dict[str, float], what: str) -> None:
    if np.isclose(got, expected, rtol=1e-4, atol=1e-5):
        return
    for hint, value in variants.items():
        if np.isclose(got, value, rtol=1e-4, atol=1e-5):
            mistake, fix = hint.split(" | ")
            raise fail(ex, mistake, fix)
    raise fail(
        ex, f"got {got:.5f}, expected {expected:.5f} for {what}", "compare your formula with the one in the exercise"
    )


SIGMOID_HINT = "you called .sigmoid() before binary_cross_entropy_with_logits, which applies the sigmoid itself"


def check_discriminator_loss(discriminator_loss, hidden: bool = False) -> None:
    """discriminator_loss(logits_real, logits_fake) = BCE(logits_real, 1) + BCE(logits_fake, 0), batch means."""
    verify_untouched()
    ex = "discriminator_loss"
    for lr, lf in _cases(hidden):
        got = _value(ex, discriminator_loss, lr, lf)
        ref = np.mean(softplus(-lr)) + np.mean(softplus(lf))
        sr, sf = _sig(lr), _sig(lf)
        variants = {
            "swapped real/fake labels: the real logits were given target 0 and the fakes target 1 | real images get ones_like(logits_real), fakes get zeros_like(logits_fake)": np.mean(
                softplus(lr)
            )
            + np.mean(softplus(-lf)),
            f"{SIGMOID_HINT} | pass the raw logits": np.mean(softplus(-sr)) + np.mean(softplus(sf)),
            "summed over the batch instead of averaging | use the mean (reduction='mean', the default)": np.sum(
                softplus(-lr)
            )
            + np.sum(softplus(lf)),
            "averaged the two terms (0.5 * (real + fake)); this exercise asks for their sum | return loss_real + loss_fake": 0.5
            * ref,
            "only the real term: the fake images' term is missing | add BCE(logits_fake, zeros)": np.mean(
                softplus(-lr)
            ),
            "only the fake term: the real images' term is missing | add BCE(logits_real, ones)": np.mean(softplus(lf)),
        }
        _diagnose(ex, got, ref, variants, f"{len(lr)} real and fake logits")
    _stability(ex, discriminator_loss, 2, lambda x: np.mean(softplus(-x)) + np.mean(softplus(x)))
    _device(ex, discriminator_loss, 2)


def check_generator_loss_non_saturating(generator_loss_non_saturating, hidden: bool = False) -> None:
    """generator_loss_non_saturating(logits_fake) = -mean log D(G(z)) = BCE(logits_fake, 1)."""
    verify_untouched()
    ex = "generator_loss_non_saturating"
    for _, lf in _cases(hidden):
        got = _value(ex, generator_loss_non_saturating, lf)
        ref = np.mean(softplus(-lf))
        variants = {
            "this is the saturating loss mean log(1 - D(G(z))), where the non-saturating one is asked | minimise -log D(G(z)): BCE(logits_fake, ones_like(logits_fake))": -np.mean(
                softplus(lf)
            ),
            "the fakes were given target 0: that trains the generator to be recognised as fake | the generator wants D to say 'real': target ones_like(logits_fake)": np.mean(
                softplus(lf)
            ),
            f"{SIGMOID_HINT} | pass the raw logits": np.mean(softplus(-_sig(lf))),
            "summed over the batch instead of averaging | use the mean": np.sum(softplus(-lf)),
            "the sign is flipped: that maximises -log D(G(z)) | return +BCE(logits_fake, ones)": -ref,
        }
        _diagnose(ex, got, ref, variants, f"{len(lf)} fake logits")
    _stability(ex, generator_loss_non_saturating, 1, lambda x: np.mean(softplus(-x)))
    _device(ex, generator_loss_non_saturating, 1)


def check_generator_loss_saturating(generator_loss_saturating, hidden: bool = False) -> None:
    """generator_loss_saturating(logits_fake) = mean log(1 - D(G(z))) = -BCE(logits_fake, 0)."""
    verify_untouched()
    ex = "generator_loss_saturating"
    for _, lf in _cases(hidden):
        got = _value(ex, generator_loss_saturating, lf)
        ref = -np.mean(softplus(lf))
        variants = {
            "the sign is flipped: +BCE(logits_fake, 0) is the discriminator's fake term, which the generator must not minimise | return -BCE(logits_fake, zeros_like(logits_fake)), i.e. mean log(1 - D(G(z)))": -ref,
            "this is the non-saturating loss, where the saturating (minimax) one is asked | return mean log(1 - D(G(z))) = -BCE(logits_fake, zeros)": np.mean(
                softplus(-lf)
            ),
            f"{SIGMOID_HINT} | pass the raw logits": -np.mean(softplus(_sig(lf))),
            "summed over the batch instead of averaging | use the mean": -np.sum(softplus(lf)),
        }
        _diagnose(ex, got, ref, variants, f"{len(lf)} fake logits")
    _stability(ex, generator_loss_saturating, 1, lambda x: -np.mean(softplus(x)))
    _device(ex, generator_loss_saturating, 1)


def check_discriminator_loss_smoothed(discriminator_loss_smoothed, hidden: bool = False) -> None:
    """One-sided label smoothing: real targets real_label (e.g. 0.9), fake targets stay 0."""
    verify_untouched()
    ex = "discriminator_loss_smoothed"
    for real_label in (0.95, 0.7) if hidden else (0.9, 0.8):
        for lr, lf in _cases(hidden):
            got = _value(ex, discriminator_loss_smoothed, lr, lf, real_label=real_label)
            y = real_label

            def bce(logits, target):
                return np.mean(target * softplus(-logits) + (1 - target) * softplus(logits))

            ref = bce(lr, y) + bce(lf, 0.0)
            variants = {
                f"the fake targets were smoothed too (fake label {1 - y:.2f}): that is two-sided smoothing | one-sided smoothing softens only the real targets; keep zeros for the fakes": bce(
                    lr, y
                )
                + bce(lf, 1 - y),
                "real_label is ignored: the real targets are still 1 | use torch.full_like(logits_real, real_label) as the real target": bce(
                    lr, 1.0
                )
                + bce(lf, 0.0),
                f"the real target is 1 - real_label = {1 - y:.2f} instead of real_label | the real target is real_label itself (e.g. 0.9)": bce(
                    lr, 1 - y
                )
                + bce(lf, 0.0),
                f"{SIGMOID_HINT} | pass the raw logits": bce(_sig(lr), y) + bce(_sig(lf), 0.0),
                "summed over the batch instead of averaging | use the mean": len(lr) * ref,
            }
            _diagnose(ex, got, ref, variants, f"real_label={real_label}")
    _stability(
        ex,
        discriminator_loss_smoothed,
        2,
        lambda x: np.mean(0.9 * softplus(-x) + 0.1 * softplus(x)) + np.mean(softplus(x)),
        real_label=0.9,
    )
    _device(ex, discriminator_loss_smoothed, 2, real_label=0.9)


CHECKS = {
    "discriminator_loss": check_discriminator_loss,
    "generator_loss_saturating": check_generator_loss_saturating,
    "generator_loss_non_saturating": check_generator_loss_non_saturating,
    "discriminator_loss_smoothed": check_discriminator_loss_smoothed,
}
