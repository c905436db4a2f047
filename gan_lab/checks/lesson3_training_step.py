"""Checks of lesson 3, the training step: d_step, g_step, train_step, sample_images.

Each check builds a tiny generator and discriminator, fills their ``.grad`` with stale values, runs the
learner's step, and compares the weights with one SGD step computed here on copies: that tells apart a
forgotten detach, zero_grad in the wrong place, a missing zero_grad and a step that touched the wrong
network.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks._torch_guard import (
    call,
    close,
    expect,
    fail,
    grads_snapshot,
    params_snapshot,
    same_tensors,
    softplus,
    to_numpy,
    verify_untouched,
)

LR = 0.1
STALE = 0.5  # value of the stale gradients left in .grad before the learner's step


def _pair(seed: int, latent_dim: int = 4) -> tuple[nn.Module, nn.Module]:
    torch.manual_seed(seed)
    generator = nn.Sequential(nn.Linear(latent_dim, 6), nn.Tanh())
    discriminator = nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    return generator, discriminator


def _fill_grads(module: nn.Module, value: float) -> None:
    for p in module.parameters():
        p.grad = torch.full_like(p, value)


def _sgd_targets(module: nn.Module, loss_fn) -> tuple[list[torch.Tensor], list[torch.Tensor], float]:  # noqa: ANN001
    """Weights after one clean SGD step and after one with stale gradients added; and the loss value."""
    params = list(module.parameters())
    loss = loss_fn()
    grads = torch.autograd.grad(loss, params)
    clean = [(p - LR * g).detach() for p, g in zip(params, grads)]
    stale = [(p - LR * (g + STALE)).detach() for p, g in zip(params, grads)]
    return clean, stale, float(to_numpy(loss))


def _all_close(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(close(x, y, rtol=1e-4, atol=1e-6) for x, y in zip(a, b))


def _loss_value(ex: str, out) -> float:  # noqa: ANN001
    if isinstance(out, dict):
        out = out.get("loss_d", out.get("loss_g"))
    expect(
        isinstance(out, (torch.Tensor, float)),
        ex,
        f"returned {type(out).__name__}",
        "return the loss (a scalar tensor)",
    )
    return float(to_numpy(out))


def check_d_step(d_step, hidden: bool = False) -> None:
    """d_step(discriminator, opt_d, x_real, x_fake) -> loss_d: one discriminator update, generator untouched."""
    verify_untouched()
    ex = "d_step"
    for seed, n in ((21, 7), (22, 32)) if hidden else ((1, 5), (2, 16)):
        generator, discriminator = _pair(seed)
        x_real = torch.randn(n, 6)
        x_fake = generator(torch.randn(n, 4))  # with its graph back into the generator, as in a real loop
        d_ref = copy.deepcopy(discriminator)
        logits_real, logits_fake = to_numpy(d_ref(x_real)), to_numpy(d_ref(x_fake.detach()))
        clean, stale, _ = _sgd_targets(
            d_ref, lambda d=d_ref, xr=x_real, xf=x_fake: F.softplus(-d(xr)).mean() + F.softplus(d(xf.detach())).mean()
        )
        g_before = params_snapshot(generator)
        d_before = params_snapshot(discriminator)
        _fill_grads(discriminator, STALE)
        opt_d = torch.optim.SGD(discriminator.parameters(), lr=LR)
        loss_d = _loss_value(ex, call(ex, d_step, discriminator, opt_d, x_real, x_fake))
        if any(p.grad is not None for p in generator.parameters()):
            raise fail(
                ex,
                "after the D step the generator has gradients: you forgot to detach x_fake, so loss_d.backward() went through the generator",
                "use discriminator(x_fake.detach()) in the D step",
            )
        expect(
            same_tensors(g_before, params_snapshot(generator)),
            ex,
            "the generator's weights changed in the D step",
            "only opt_d.step() belongs in the D step",
        )
        ref = np.mean(softplus(-logits_real)) + np.mean(softplus(logits_fake))
        if np.isclose(loss_d, np.mean(softplus(logits_real)) + np.mean(softplus(-logits_fake)), rtol=1e-4):
            raise fail(
                ex,
                "swapped real/fake labels: loss_d equals BCE(real -> 0) + BCE(fake -> 1)",
                "real logits get target 1, fake logits target 0",
            )
        expect(
            np.isclose(loss_d, ref, rtol=1e-4, atol=1e-6),
            ex,
            f"loss_d = {loss_d:.5f}, expected {ref:.5f} = BCE(logits_real, 1) + BCE(logits_fake, 0) on the logits before the update",
            "compute loss_d with discriminator_loss(logits_real, logits_fake) from lesson 2",
        )
        after = params_snapshot(discriminator)
        if same_tensors(d_before, after):
            raise fail(
                ex,
                "the discriminator's weights did not change: zero_grad() after backward() (or before step()) wipes the gradients, or opt_d.step() is missing",
                "order: opt_d.zero_grad(), forward, loss_d.backward(), opt_d.step()",
            )
        if _all_close(after, stale):
            raise fail(
                ex,
                "the update used stale gradients: opt_d.zero_grad() is missing, so backward() added to the gradients left from earlier steps",
                "call opt_d.zero_grad() before loss_d.backward()",
            )
        expect(
            _all_close(after, clean),
            ex,
            "the discriminator's new weights are not one optimizer step on loss_d",
            "one backward() and one opt_d.step() per call",
        )
    generator, discriminator = _pair(3)
    generator, discriminator = generator.to("meta"), discriminator.to("meta")
    call(
        ex,
        d_step,
        discriminator,
        torch.optim.SGD(discriminator.parameters(), lr=LR),
        torch.randn(4, 6, device="meta"),
        generator(torch.randn(4, 4, device="meta")),
    )


def check_g_step(g_step, hidden: bool = False) -> None:
    """g_step(discriminator, opt_g, x_fake) -> loss_g (non-saturating): the discriminator's weights and .grad stay as they were."""
    verify_untouched()
    ex = "g_step"
    for seed, n in ((31, 9), (32, 24)) if hidden else ((4, 5), (5, 16)):
        generator, discriminator = _pair(seed)
        z = torch.randn(n, 4)
        g_ref, d_ref = copy.deepcopy(generator), copy.deepcopy(discriminator)
        clean, stale, _ = _sgd_targets(g_ref, lambda g=g_ref, d=d_ref, z=z: F.softplus(-d(g(z))).mean())
        logits_fake = to_numpy(d_ref(g_ref(z)))
        _fill_grads(generator, STALE)
        _fill_grads(discriminator, STALE / 2)
        d_params, d_grads = params_snapshot(discriminator), grads_snapshot(discriminator)
        g_before = params_snapshot(generator)
        opt_g = torch.optim.SGD(generator.parameters(), lr=LR)
        x_fake = generator(z)
        reached: list[bool] = []
        x_fake.register_hook(
            lambda grad, seen=reached: seen.append(True)
        )  # called when a gradient flows back through x_fake
        try:
            loss_g = _loss_value(ex, call(ex, g_step, discriminator, opt_g, x_fake))
        except RuntimeError as err:
            if "does not require grad" in str(err):
                raise fail(
                    ex,
                    "loss_g has no graph: x_fake was detached in the G step, so no gradient can reach the generator",
                    "call discriminator(x_fake) without .detach() in the G step",
                ) from err
            raise
        if not reached:
            raise fail(
                ex,
                "no gradient reached the generator: x_fake was detached in the G step",
                "call discriminator(x_fake) without .detach() in the G step",
            )
        ns = np.mean(softplus(-logits_fake))
        if np.isclose(loss_g, -np.mean(softplus(logits_fake)), rtol=1e-4):
            raise fail(
                ex,
                "loss_g is the saturating loss log(1 - D(G(z))), where the non-saturating one is asked",
                "use BCE(logits_fake, ones_like(logits_fake)) = -log D(G(z))",
            )
        if np.isclose(loss_g, np.mean(softplus(logits_fake)), rtol=1e-4):
            raise fail(
                ex,
                "the fakes were labelled 0 in the G step: that trains the generator to look fake",
                "the G step's target is 1 (ones_like(logits_fake))",
            )
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
        if _all_close(after, stale):
            raise fail(
                ex,
                "the update used stale gradients: opt_g.zero_grad() is missing",
                "call opt_g.zero_grad() before loss_g.backward()",
            )
        expect(
            _all_close(after, clean),
            ex,
            "the generator's new weights are not one optimizer step on loss_g",
            "one backward() and one opt_g.step() per call",
        )


from gan_lab.checks.lesson3_loop import check_sample_images, check_train_step  # noqa: E402

CHECKS = {
    "d_step": check_d_step,
    "g_step": check_g_step,
    "train_step": check_train_step,
    "sample_images": check_sample_images,
}
