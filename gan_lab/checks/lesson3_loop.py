"""Checks of lesson 3, the loop around the steps: train_step (a D step then a G step, z ~ N(0, I) drawn per
real image on its device) and sample_images (eval mode, no graph, the generator's mode restored).

train_step is judged by its result: under a fixed seed, the weights of both networks after the learner's
step must equal those after a reference step computed here on copies (with z reused for the G step, or a
fresh z drawn right after the D step). Gradient leaks between the networks, the wrong noise, the wrong
order, the saturating loss and stale gradients all change the weights; each is recognised by running the
reference with that mistake.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from gan_lab.checks import _steps
from gan_lab.checks._torch_guard import (
    call,
    call_with,
    close,
    expect,
    fail,
    grads_snapshot,
    params_snapshot,
    same_tensors,
    to_numpy,
    verify_untouched,
)

SEED = 123
TRAIN_STEP_FIX = (
    "z = torch.randn(x_real.shape[0], latent_dim, device=x_real.device); x_fake = generator(z); "
    "loss_d = d_step(discriminator, opt_d, x_real, x_fake); loss_g = g_step(discriminator, opt_g, x_fake)"
)
VARIANTS = {  # reference variant -> (mistake, fix)
    "g_first": ("the G step ran before the D step", "one D step first, then one G step on the same batch"),
    "leak": (
        "the D step's loss reached the generator (x_fake not detached) and its gradients were added to the G step's",
        "detach x_fake in the D step, and call opt_g.zero_grad() before loss_g.backward()",
    ),
    "saturating": (
        "the G step used the saturating loss log(1 - D(G(z)))",
        "the G step minimises the non-saturating BCE(D(x_fake), 1)",
    ),
    "uniform": ("z was drawn from a uniform distribution (torch.rand)", "draw z with torch.randn: z ~ N(0, I)"),
}


class _Recorder(nn.Module):
    """Wraps a generator and records the noise it is given."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner
        self.seen: list[torch.Tensor] = []
        self.modes: list[bool] = []

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        self.seen.append(z.detach())
        self.modes.append(self.training)
        return self.inner(z)


def _adam_steps(opt: torch.optim.Optimizer) -> int:
    steps = [int(to_numpy(s["step"])) for s in opt.state.values() if "step" in s]
    return max(steps, default=0)


def _setup(hidden: bool, latent_dim: int) -> tuple:
    generator = _Recorder(_steps.generator(41 if hidden else 7, latent_dim))
    discriminator = _steps.discriminator(42 if hidden else 8)
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-2, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=1e-2, betas=(0.5, 0.999))
    return generator, discriminator, opt_g, opt_d


def check_train_step(train_step, hidden: bool = False) -> None:
    """train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim) -> (loss_d, loss_g): the weights after
    one step equal a reference D step then G step under the same seed."""
    verify_untouched()
    ex = "train_step"
    latent_dim, n = (3, 6) if hidden else (4, 8)
    generator, discriminator, opt_g, opt_d = _setup(hidden, latent_dim)
    x_real = torch.randn(n, 6, generator=torch.Generator().manual_seed(5))
    references = {
        v: _steps.reference_train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim, SEED, v)
        for v in ("", "fresh_z", *VARIANTS)
    }
    real_before, g_before = x_real.clone(), params_snapshot(generator)
    torch.manual_seed(SEED)
    out = call(ex, train_step, generator, discriminator, opt_g, opt_d, x_real, latent_dim)
    expect(
        isinstance(out, (tuple, list)) and len(out) == 2,
        ex,
        f"returned {type(out).__name__}, not (loss_d, loss_g)",
        "return loss_d, loss_g",
    )
    expect(torch.equal(real_before, x_real), ex, "x_real was changed in place", "leave the input batch as it is")
    steps_d, steps_g = _adam_steps(opt_d), _adam_steps(opt_g)
    if steps_g == 0 and all(p.grad is None for p in generator.parameters()):
        raise fail(
            ex,
            "the generator's weights did not change: no gradient reached it (x_fake was detached for the G step "
            "too, or loss_g.backward() is missing)",
            "detach x_fake only inside the D step; the G step runs discriminator(x_fake) on the undetached x_fake",
        )
    if steps_d == 0 and steps_g >= 1:
        raise fail(
            ex,
            f"opt_d never stepped and opt_g stepped {steps_g} times: the D step was given (or stepped) the wrong optimizer",
            "pass opt_d to the D step and opt_g to the G step",
        )
    expect(
        steps_d == 1 and steps_g == 1,
        ex,
        f"opt_d stepped {steps_d} times and opt_g {steps_g} times in one training step",
        "one D step with opt_d, then one G step with opt_g",
    )
    expect(
        len(generator.seen) >= 1 and tuple(generator.seen[0].shape) == (n, latent_dim),
        ex,
        f"the generator got z of shape {tuple(generator.seen[0].shape) if generator.seen else None}, expected ({n}, {latent_dim})",
        "z = torch.randn(x_real.shape[0], latent_dim, device=x_real.device)",
    )
    if any(not training for training, _ in _steps.probe(discriminator).calls) or not discriminator.training:
        raise fail(
            ex,
            "the discriminator ran (or was left) in eval mode during the training step",
            "leave the networks' modes alone in train_step: eval mode is for sampling",
        )
    expect(
        generator.training and all(generator.modes),
        ex,
        "the generator ran (or was left) in eval mode during the training step",
        "leave the networks' modes alone in train_step: eval mode is for sampling",
    )
    after = (params_snapshot(generator), params_snapshot(discriminator))
    if same_tensors(after[0], g_before):
        raise fail(
            ex,
            "the generator's weights did not change: x_fake was detached for the G step too (or opt_g.step() is "
            "missing), so no gradient reached it",
            "detach x_fake only inside the D step; the G step runs discriminator(x_fake) on the undetached x_fake",
        )
    if not any(
        _steps.all_close(after[0], g) and _steps.all_close(after[1], d)
        for g, d in (references[""], references["fresh_z"])
    ):
        for variant, (mistake, fix) in VARIANTS.items():
            g, d = references[variant]
            if _steps.all_close(after[0], g) and _steps.all_close(after[1], d):
                raise fail(ex, mistake, fix)
        if not _steps.all_close(after[1], references[""][1]):
            raise fail(
                ex,
                "the discriminator's weights after the step differ from one D step on the real batch and "
                "x_fake.detach() (a wrong loss, labels or noise, or a gradient from elsewhere)",
                TRAIN_STEP_FIX,
            )
        raise fail(
            ex,
            "the generator's weights after the step differ from one non-saturating G step on x_fake after the "
            "D step (z drawn with torch.randn and torch's seed, D frozen, opt_g.zero_grad() before backward)",
            TRAIN_STEP_FIX,
        )
    grads = [g for g in grads_snapshot(discriminator) if g is not None]
    d_copy = copy.deepcopy(discriminator)
    if grads and len(grads) == len(list(d_copy.parameters())):
        # D's .grad after the step: the D step's gradients (or cleared), never with the G step's added
        g_copy = copy.deepcopy(generator)
        torch.manual_seed(SEED)
        fake = g_copy(torch.randn(n, latent_dim))
        leak = torch.autograd.grad(_steps.loss_g_of(d_copy, fake), list(d_copy.parameters()))
        if any(not close(g, torch.zeros_like(g)) for g in leak) and not _grads_are_d_step(
            generator, discriminator, x_real, latent_dim, hidden
        ):
            raise fail(
                ex,
                "after the step the discriminator's .grad holds the G step's gradients too: loss_g.backward() "
                "filled them (the discriminator was not frozen in the G step)",
                "freeze it around the G step's backward: discriminator.requires_grad_(False) ... requires_grad_(True)",
            )
    _check_meta(ex, train_step, latent_dim)


def _grads_are_d_step(generator, discriminator, x_real, latent_dim: int, hidden: bool) -> bool:
    """Whether D's .grad equals the D step's own gradient (as after a correct train_step)."""
    g0, d0, _, _ = _setup(hidden, latent_dim)
    torch.manual_seed(SEED)
    fake = g0(torch.randn(x_real.shape[0], latent_dim)).detach()
    expected = torch.autograd.grad(_steps.loss_d_of(d0, x_real, fake), list(d0.parameters()))
    return all(close(p.grad, e, rtol=1e-4, atol=1e-6) for p, e in zip(discriminator.parameters(), expected))


def _check_meta(ex: str, train_step, latent_dim: int) -> None:
    """On 'meta', z created on the CPU fails in the generator, with a device hint."""
    generator, discriminator = _steps.generator(8, latent_dim).to("meta"), _steps.discriminator(8).to("meta")
    opt_g, opt_d = torch.optim.Adam(generator.parameters()), torch.optim.Adam(discriminator.parameters())
    try:
        call(ex, train_step, generator, discriminator, opt_g, opt_d, torch.randn(4, 6, device="meta"), latent_dim)
    except AssertionError as err:
        cause = str(err.__cause__ or "")
        if "cannot be called on meta tensors" not in cause and "autocast device_type" not in cause:
            raise


def _bn_generator(seed: int, latent_dim: int) -> nn.Module:
    generator = _steps.generator(seed, latent_dim)
    with torch.no_grad():
        for _ in range(5):  # running statistics away from the defaults, so eval and train modes differ
            generator(3.0 * torch.randn(16, latent_dim) + 1.0)
    return generator


def check_sample_images(sample_images, hidden: bool = False) -> None:
    """sample_images(generator, n, latent_dim): images from z ~ N(0, I) in eval mode, without a graph, mode restored."""
    verify_untouched()
    ex = "sample_images"
    latent_dim = 5 if hidden else 4
    generator = _bn_generator(51 if hidden else 9, latent_dim)
    generator.train()
    batch_of_one = (
        ("expected more than 1 value per channel",),
        "BatchNorm refused a batch of 1: the generator is still in training mode",
        "call generator.eval() before generating, so BatchNorm uses its running statistics",
    )
    one = call_with([batch_of_one], ex, sample_images, generator, 1, latent_dim)
    expect(
        tuple(one.shape) == (1, 6), ex, f"shape {tuple(one.shape)} for n=1", "generate n images from n noise vectors"
    )
    running = generator[1].running_mean.clone()
    n = 7 if hidden else 5
    torch.manual_seed(77)
    images = call(ex, sample_images, generator, n, latent_dim)
    expect(
        torch.equal(running, generator[1].running_mean),
        ex,
        "BatchNorm's running statistics changed while sampling: the generator ran in training mode",
        "call generator.eval() before generating",
    )
    expect(
        not images.requires_grad,
        ex,
        "the images carry an autograd graph (requires_grad=True): wasted memory when sampling",
        "generate inside torch.no_grad()",
    )
    expect(
        generator.training,
        ex,
        "the generator was left in eval mode, so the next training step would not update BatchNorm's statistics",
        "remember was_training = generator.training and call generator.train(was_training) at the end",
    )
    reference = copy.deepcopy(generator).eval()
    torch.manual_seed(77)
    with torch.no_grad():
        expected = reference(torch.randn(n, latent_dim))
    expect(
        close(images, expected),
        ex,
        "the images differ from generator(torch.randn(n, latent_dim)) in eval mode with the same seed",
        "draw z with torch.randn(n, latent_dim, device=...) first, then run the generator in eval mode",
    )
    generator.eval()
    call(ex, sample_images, generator, 2, latent_dim)
    expect(
        not generator.training,
        ex,
        "a generator that was in eval mode came back in training mode",
        "restore the mode it had: generator.train(was_training)",
    )
    meta = generator.to("meta")
    out = call(ex, sample_images, meta, 3, latent_dim)
    expect(
        out.device.type == "meta",
        ex,
        f"the images are on {out.device}, not on the generator's device",
        "create z on next(generator.parameters()).device",
    )
