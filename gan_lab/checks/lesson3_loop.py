"""Checks of lesson 3, the loop around the steps: train_step (one D step and one G step with the right
optimizers, z drawn per real image on its device, repeatable under a seed) and sample_images (eval mode,
no graph, the generator's mode restored). ``lesson3_training_step`` holds the D and G step checks."""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from gan_lab.checks._torch_guard import (
    call,
    close,
    expect,
    fail,
    params_snapshot,
    same_tensors,
    to_numpy,
    verify_untouched,
)
from gan_lab.checks.lesson3_training_step import _pair


class _Recorder(nn.Module):
    """Wraps a generator and records the noise it is given."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner
        self.seen: list[torch.Tensor] = []

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        self.seen.append(z.detach())
        return self.inner(z)


def _adam_steps(opt: torch.optim.Optimizer) -> int:
    steps = [int(to_numpy(s["step"])) for s in opt.state.values() if "step" in s]
    return max(steps, default=0)


def check_train_step(train_step, hidden: bool = False) -> None:
    """train_step(generator, discriminator, opt_g, opt_d, x_real, latent_dim) -> (loss_d, loss_g)."""
    verify_untouched()
    ex = "train_step"
    latent_dim = 3 if hidden else 4
    results = []
    for _ in range(2):
        generator, discriminator = _pair(41 if hidden else 7, latent_dim)
        generator = _Recorder(generator)
        opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
        g_before, d_before = params_snapshot(generator), params_snapshot(discriminator)
        n = 6 if hidden else 8
        torch.manual_seed(123)
        out = call(ex, train_step, generator, discriminator, opt_g, opt_d, torch.randn(n, 6), latent_dim)
        expect(
            isinstance(out, (tuple, list)) and len(out) == 2,
            ex,
            f"returned {type(out).__name__}, not (loss_d, loss_g)",
            "return loss_d, loss_g",
        )
        steps_d, steps_g = _adam_steps(opt_d), _adam_steps(opt_g)
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
            not same_tensors(d_before, params_snapshot(discriminator))
            and not same_tensors(g_before, params_snapshot(generator)),
            ex,
            "a network was not updated",
            "one D step, then one G step",
        )
        expect(
            len(generator.seen) >= 1 and tuple(generator.seen[0].shape) == (n, latent_dim),
            ex,
            f"the generator got z of shape {tuple(generator.seen[0].shape) if generator.seen else None}, expected ({n}, {latent_dim})",
            "z = torch.randn(x_real.shape[0], latent_dim, device=x_real.device)",
        )
        results.append([float(to_numpy(v)) for v in out])
    expect(
        np.allclose(results[0], results[1]),
        ex,
        "two runs with the same seed gave different losses",
        "draw z with torch.randn (seeded by torch.manual_seed), not numpy",
    )
    generator, discriminator = (m.to("meta") for m in _pair(8, latent_dim))
    opt_g, opt_d = torch.optim.Adam(generator.parameters()), torch.optim.Adam(discriminator.parameters())
    try:  # on 'meta' a z created on the CPU fails in the generator with a device hint
        call(ex, train_step, generator, discriminator, opt_g, opt_d, torch.randn(4, 6, device="meta"), latent_dim)
    except RuntimeError as err:
        if "autocast device_type" not in str(err):  # gan_lab.train's steps open an autocast context, which 'meta' lacks
            raise


def _bn_generator(seed: int, latent_dim: int) -> nn.Module:
    torch.manual_seed(seed)
    generator = nn.Sequential(nn.Linear(latent_dim, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 6), nn.Tanh())
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
    try:
        one = call(ex, sample_images, generator, 1, latent_dim)
    except ValueError as err:
        raise fail(
            ex,
            f"BatchNorm refused a batch of 1 ({err}): the generator is still in training mode",
            "call generator.eval() before generating, so BatchNorm uses its running statistics",
        ) from err
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
