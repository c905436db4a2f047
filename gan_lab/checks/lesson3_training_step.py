"""Checks of lesson 3, the training step: d_step and g_step (``lesson3_loop`` holds train_step and
sample_images; ``_steps`` the test networks and reference steps both use).

Each check builds a tiny generator and a discriminator with BatchNorm and dropout, fills their ``.grad``
with stale values, runs the learner's step, and compares the weights with one SGD step computed here on
copies: that tells apart a forgotten detach, zero_grad in the wrong place, a missing zero_grad, a step that
touched the wrong network, one pass over ``cat([x_real, x_fake])`` through BatchNorm, and a discriminator
switched to eval mode. It also checks that the step leaves modes, inputs and ``x_fake``'s graph as they were.
A step may return the loss as a tensor or as a Python number (``.item()``).
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from gan_lab.checks import _steps
from gan_lab.checks._torch_guard import (
    call_with,
    expect,
    fail,
    grads_snapshot,
    params_snapshot,
    same_tensors,
    to_numpy,
    verify_untouched,
)
from gan_lab.checks.lesson3_loop import check_sample_images, check_train_step

LR = 0.1
STALE = 0.5  # value of the stale gradients left in .grad before the learner's step
META_ITEM = "cannot be called on meta tensors"  # .item() on 'meta': the step ran up to its return, which is fine


def _sgd(module: nn.Module, loss_fn, stale: float = 0.0) -> list[torch.Tensor]:
    """Weights after one SGD step on ``loss_fn(copy)`` computed on a copy (``stale`` added to each gradient)."""
    module = copy.deepcopy(module)
    grads = torch.autograd.grad(loss_fn(module), list(module.parameters()))
    return [(p - LR * (g + stale)).detach() for p, g in zip(module.parameters(), grads)]


def _loss_value(ex: str, out) -> float:
    if isinstance(out, dict):
        out = out.get("loss_d", out.get("loss_g"))
    if isinstance(out, torch.Tensor) and out.numel() == 1:
        return float(to_numpy(out).reshape(()))
    expect(
        isinstance(out, (float, int)) and not isinstance(out, bool),
        ex,
        f"returned {type(out).__name__}{tuple(out.shape) if isinstance(out, torch.Tensor) else ''}",
        "return the loss: a scalar tensor (loss.detach()) or a number (loss.item())",
    )
    return float(out)


def _expect_modes(ex: str, module: nn.Module, name: str, step: str) -> None:
    calls = _steps.probe(module).calls
    if any(not training for training, _ in calls):
        raise fail(
            ex,
            f"the {name} ran in eval mode during the {step} (a {name}.eval() call): its dropout and BatchNorm must "
            "train as they are",
            f"leave the {name}'s mode alone in the {step}; eval mode is for sampling",
        )
    expect(
        module.training,
        ex,
        f"the {name} was left in eval mode after the {step}",
        f"do not call {name}.eval() in the {step} (or restore the mode it had)",
    )


def _run_step(ex: str, step, *args):
    """Run the learner's step with the hints specific to steps."""
    hints = [
        (
            ("modified by an inplace operation",),
            "an in-place operation changed a tensor the backward pass needs (x_fake.detach_() detaches the "
            "generator's output in place, and += or relu_() change saved tensors)",
            "use x_fake.detach(), which returns a new tensor, and out-of-place arithmetic",
        ),
    ]
    return call_with(hints, ex, step, *args)


def check_d_step(d_step, hidden: bool = False) -> None:
    """d_step(discriminator, opt_d, x_real, x_fake) -> loss_d: one discriminator update on separate real and fake
    passes (BatchNorm), generator untouched, modes, inputs and x_fake's graph left as they were."""
    verify_untouched()
    ex = "d_step"
    for seed, n in ((21, 7), (22, 32)) if hidden else ((1, 5), (2, 16)):
        generator, discriminator = _steps.generator(seed, 4), _steps.discriminator(seed)
        x_real = torch.randn(n, 6)
        x_fake = generator(torch.randn(n, 4))  # with its graph back into the generator, as in a real loop
        d_ref = copy.deepcopy(discriminator)
        with torch.no_grad():
            ref_loss = float(_steps.loss_d_of(copy.deepcopy(d_ref), x_real, x_fake))
            swapped_loss = float(_steps.loss_d_of(copy.deepcopy(d_ref), x_fake, x_real))
        fake = x_fake.detach()
        clean = _sgd(d_ref, lambda d, xr=x_real, xf=fake: _steps.loss_d_of(d, xr, xf))
        stale = _sgd(d_ref, lambda d, xr=x_real, xf=fake: _steps.loss_d_of(d, xr, xf), STALE)
        together = _sgd(d_ref, lambda d, xr=x_real, xf=fake: _steps.loss_d_of(d, xr, xf, together=True))
        g_before, d_before = params_snapshot(generator), params_snapshot(discriminator)
        real_before, fake_before = x_real.clone(), x_fake.detach().clone()
        versions = (x_real._version, x_fake._version)
        _steps.fill_grads(discriminator, STALE)
        opt_d = torch.optim.SGD(discriminator.parameters(), lr=LR)
        loss_d = _loss_value(ex, _run_step(ex, d_step, discriminator, opt_d, x_real, x_fake))
        if any(p.grad is not None for p in generator.parameters()):
            raise fail(
                ex,
                "after the D step the generator has gradients: you forgot to detach x_fake, so loss_d.backward() went through the generator",
                "use discriminator(x_fake.detach()) in the D step",
            )
        if x_fake.grad_fn is None or not x_fake.requires_grad:
            raise fail(
                ex,
                "after the D step x_fake has lost its graph: x_fake.detach_() (or requires_grad_(False)) detached "
                "the caller's tensor in place, so the G step can no longer reach the generator",
                "use x_fake.detach(), which returns a new tensor and leaves x_fake as it is",
            )
        expect(
            torch.equal(real_before, x_real)
            and torch.equal(fake_before, x_fake.detach())
            and versions == (x_real._version, x_fake._version),
            ex,
            "the D step changed x_real or x_fake in place (e.g. x_real += noise, x_fake.clamp_())",
            "compute new tensors (x = x + noise) and leave the inputs as they are",
        )
        expect(
            same_tensors(g_before, params_snapshot(generator)),
            ex,
            "the generator's weights changed in the D step",
            "only opt_d.step() belongs in the D step",
        )
        _expect_modes(ex, discriminator, "discriminator", "D step")
        after = params_snapshot(discriminator)
        if any(size == 2 * n for _, size in _steps.probe(discriminator).calls) or _steps.all_close(after, together):
            raise fail(
                ex,
                "one discriminator pass over torch.cat([x_real, x_fake]): BatchNorm then normalises real and fake "
                "images with shared batch statistics, which a discriminator can exploit",
                "run the discriminator on x_real and on x_fake.detach() in two separate passes",
            )
        if np.isclose(loss_d, swapped_loss, rtol=1e-4):
            raise fail(
                ex,
                "swapped real/fake labels: loss_d equals BCE(real -> 0) + BCE(fake -> 1)",
                "real logits get target 1, fake logits target 0",
            )
        expect(
            np.isclose(loss_d, ref_loss, rtol=1e-4, atol=1e-6),
            ex,
            f"loss_d = {loss_d:.5f}, expected {ref_loss:.5f} = BCE(logits_real, 1) + BCE(logits_fake, 0) on the logits before the update",
            "compute loss_d with discriminator_loss(logits_real, logits_fake) from lesson 2",
        )
        if same_tensors(d_before, after):
            raise fail(
                ex,
                "the discriminator's weights did not change: zero_grad() after backward() (or before step()) wipes the gradients, or opt_d.step() is missing",
                "order: opt_d.zero_grad(), forward, loss_d.backward(), opt_d.step()",
            )
        if _steps.all_close(after, stale):
            raise fail(
                ex,
                "the update used stale gradients: opt_d.zero_grad() is missing, so backward() added to the gradients left from earlier steps",
                "call opt_d.zero_grad() before loss_d.backward()",
            )
        expect(
            _steps.all_close(after, clean),
            ex,
            "the discriminator's new weights are not one optimizer step on loss_d",
            "one backward() and one opt_d.step() per call",
        )
        x_fake.sum().backward()  # the caller's graph still works after the step
    generator, discriminator = _steps.generator(3, 4).to("meta"), _steps.discriminator(3).to("meta")
    x_fake = generator(torch.randn(4, 4, device="meta"))
    opt_d = torch.optim.SGD(discriminator.parameters(), lr=LR)
    try:
        call_with([], ex, d_step, discriminator, opt_d, torch.randn(4, 6, device="meta"), x_fake)
    except AssertionError as err:
        if META_ITEM not in str(err.__cause__ or ""):
            raise


def check_g_step(g_step, hidden: bool = False) -> None:
    """g_step(discriminator, opt_g, x_fake) -> loss_g (non-saturating): the discriminator's weights, .grad,
    requires_grad flags and mode stay as they were."""
    verify_untouched()
    ex = "g_step"
    for seed, n in ((31, 9), (32, 24)) if hidden else ((4, 5), (5, 16)):
        generator, discriminator = _steps.generator(seed, 4), _steps.discriminator(seed)
        z = torch.randn(n, 4)
        g_ref, d_ref = copy.deepcopy(generator), copy.deepcopy(discriminator)
        clean = _sgd(g_ref, lambda g, d=d_ref, z=z: _steps.loss_g_of(copy.deepcopy(d), g(z)))
        stale = _sgd(g_ref, lambda g, d=d_ref, z=z: _steps.loss_g_of(copy.deepcopy(d), g(z)), STALE)
        with torch.no_grad():
            logits_fake = to_numpy(copy.deepcopy(d_ref)(g_ref(z)))
        _steps.fill_grads(generator, STALE)
        _steps.fill_grads(discriminator, STALE / 2)
        d_params, d_grads = params_snapshot(discriminator), grads_snapshot(discriminator)
        g_before = params_snapshot(generator)
        opt_g = torch.optim.SGD(generator.parameters(), lr=LR)
        x_fake = generator(z)
        reached: list[bool] = []
        x_fake.register_hook(lambda grad, seen=reached: seen.append(True))  # a gradient flowed back through x_fake
        detached = (
            ("does not require grad",),
            "loss_g has no graph: x_fake was detached in the G step, so no gradient can reach the generator",
            "call discriminator(x_fake) without .detach() in the G step",
        )
        fake_before = x_fake.detach().clone()
        loss_g = _loss_value(ex, call_with([detached], ex, g_step, discriminator, opt_g, x_fake))
        expect(
            torch.equal(fake_before, x_fake.detach()),
            ex,
            "the G step changed x_fake in place (e.g. x_fake.clamp_() or x_fake += noise)",
            "compute new tensors and leave x_fake as it is",
        )
        if not reached:
            raise fail(ex, detached[1], detached[2])
        ns = float(np.mean(np.logaddexp(0, -logits_fake)))
        if np.isclose(loss_g, -np.mean(np.logaddexp(0, logits_fake)), rtol=1e-4):
            raise fail(
                ex,
                "loss_g is the saturating loss log(1 - D(G(z))), where the non-saturating one is asked",
                "use BCE(logits_fake, ones_like(logits_fake)) = -log D(G(z))",
            )
        if np.isclose(loss_g, np.mean(np.logaddexp(0, logits_fake)), rtol=1e-4):
            raise fail(
                ex,
                "the fakes were labelled 0 in the G step: that trains the generator to look fake",
                "the G step's target is 1 (ones_like(logits_fake))",
            )
        _expect_modes(ex, discriminator, "discriminator", "G step")
        expect(
            np.isclose(loss_g, ns, rtol=1e-4, atol=1e-6),
            ex,
            f"loss_g = {loss_g:.5f}, expected {ns:.5f} (non-saturating)",
            "loss_g = BCE(discriminator(x_fake), 1)",
        )
        expect(
            same_tensors(d_params, params_snapshot(discriminator)),
            ex,
            "the discriminator's weights changed in the G step (stepping the wrong optimizer?)",
            "the G step steps opt_g only",
        )
        if not same_tensors(d_grads, grads_snapshot(discriminator)):
            raise fail(
                ex,
                "the G step changed the discriminator's .grad (loss_g.backward() filled it, or you zeroed it)",
                "freeze it around the backward: discriminator.requires_grad_(False) ... loss_g.backward() ... discriminator.requires_grad_(True)",
            )
        expect(
            all(p.requires_grad for p in discriminator.parameters()),
            ex,
            "the discriminator is left frozen (requires_grad False) after the G step, so the next D step cannot learn",
            "restore discriminator.requires_grad_(True) after loss_g.backward()",
        )
        after = params_snapshot(generator)
        if same_tensors(g_before, after):
            raise fail(
                ex,
                "the generator's weights did not change: zero_grad() after backward() wipes the gradients, or opt_g.step() is missing",
                "order: opt_g.zero_grad(), forward, loss_g.backward(), opt_g.step()",
            )
        if _steps.all_close(after, stale):
            raise fail(
                ex,
                "the update used stale gradients: opt_g.zero_grad() is missing",
                "call opt_g.zero_grad() before loss_g.backward()",
            )
        expect(
            _steps.all_close(after, clean),
            ex,
            "the generator's new weights are not one optimizer step on loss_g",
            "one backward() and one opt_g.step() per call",
        )


CHECKS = {
    "d_step": check_d_step,
    "g_step": check_g_step,
    "train_step": check_train_step,
    "sample_images": check_sample_images,
}
