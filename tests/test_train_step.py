"""The D step and the G step: each updates only its own network."""

from __future__ import annotations

import copy
import math

import pytest
import torch

from gan_lab.models import IMAGE_SIZES, build_models
from gan_lab.train import d_step, g_step


def setup(name: str, seed: int = 0):
    torch.manual_seed(seed)
    generator, discriminator = build_models(name)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    size = IMAGE_SIZES[name]
    x_real = torch.rand(8, 1, size, size) * 2 - 1
    x_fake = generator(torch.randn(8, 100))
    return generator, discriminator, opt_g, opt_d, x_real, x_fake


def snapshot(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.named_parameters()}


def changed(before: dict[str, torch.Tensor], module: torch.nn.Module) -> bool:
    return any(not torch.equal(before[k], v) for k, v in module.named_parameters())


@pytest.mark.parametrize("name", ["mlp", "dcgan28", "conv64", "dcgan"])
def test_d_step_leaves_the_generator_alone(name: str) -> None:
    generator, discriminator, _, opt_d, x_real, x_fake = setup(name)
    g_before, d_before = snapshot(generator), snapshot(discriminator)
    stats = d_step(discriminator, opt_d, x_real, x_fake)
    assert all(p.grad is None for p in generator.parameters()), "the D step must detach the fake batch"
    assert not changed(g_before, generator)
    assert changed(d_before, discriminator)
    assert set(stats) == {"loss_d", "d_real", "d_fake"} and all(
        v.dim() == 0 and not v.requires_grad for v in stats.values()
    )
    assert 0 < stats["d_real"].item() < 1 and 0 < stats["d_fake"].item() < 1


@pytest.mark.parametrize("name", ["mlp", "dcgan28", "conv64", "dcgan"])
def test_g_step_leaves_the_discriminator_alone(name: str) -> None:
    generator, discriminator, opt_g, opt_d, x_real, x_fake = setup(name)
    d_step(discriminator, opt_d, x_real, x_fake)  # gives D gradients and optimizer state to protect
    d_before, g_before = snapshot(discriminator), snapshot(generator)
    d_grads = {k: p.grad.clone() for k, p in discriminator.named_parameters()}
    opt_d_state = copy.deepcopy(opt_d.state_dict())
    stats = g_step(discriminator, opt_g, x_fake)
    assert not changed(d_before, discriminator)
    assert all(torch.equal(d_grads[k], p.grad) for k, p in discriminator.named_parameters()), "D's gradients changed"
    after = opt_d.state_dict()
    for key, state in opt_d_state["state"].items():
        assert all(torch.equal(state[s], after["state"][key][s]) for s in ("exp_avg", "exp_avg_sq", "step"))
    assert all(p.requires_grad for p in discriminator.parameters()), "D must be unfrozen after the G step"
    assert changed(g_before, generator)
    assert stats["loss_g"].dim() == 0 and not stats["loss_g"].requires_grad


def test_g_step_restores_frozen_flags() -> None:
    generator, discriminator, opt_g, _, _, x_fake = setup("mlp")
    first = next(discriminator.parameters())
    first.requires_grad_(False)
    g_step(discriminator, opt_g, x_fake)
    assert not first.requires_grad and all(p.requires_grad for p in list(discriminator.parameters())[1:])


def test_saturating_loss_is_selectable() -> None:
    _, discriminator, opt_g, _, _, x_fake = setup("mlp")
    logits = discriminator(x_fake).detach()
    expected = torch.log1p(-torch.sigmoid(logits)).mean()
    assert torch.allclose(g_step(discriminator, opt_g, x_fake, loss="saturating")["loss_g"], expected, atol=1e-5)


def test_ema_update_is_the_moving_average_of_the_parameters_only() -> None:
    from gan_lab.ema import ema_update

    generator, _, opt_g, _, _, _ = setup("mlp")
    generator_ema = copy.deepcopy(generator)
    before = snapshot(generator_ema)
    buffers_before = [b.clone() for b in generator_ema.buffers()]
    with torch.no_grad():
        for p in generator.parameters():
            p.add_(1.0)
        generator(torch.randn(8, 100))  # moves BatchNorm's running statistics
    ema_update(generator_ema, generator, decay=0.9)
    for name, p in generator_ema.named_parameters():
        expected = 0.9 * before[name] + 0.1 * dict(generator.named_parameters())[name]
        assert torch.allclose(p, expected, atol=1e-6), name
    for b_ema, b in zip(generator_ema.buffers(), buffers_before):
        assert torch.equal(b_ema, b), "the live generator's BatchNorm statistics do not belong to the average"


def test_recalibrate_batchnorm_computes_the_statistics_of_the_generators_own_weights() -> None:
    from gan_lab.ema import recalibrate_batchnorm

    torch.manual_seed(0)
    generator, _ = build_models("mlp")
    first_linear, first_norm = generator.net[0], generator.net[1]
    momentum = first_norm.momentum
    rng_before = torch.get_rng_state()
    recalibrate_batchnorm(generator, 100, batches=4, batch_size=256, seed=7)
    assert torch.equal(torch.get_rng_state(), rng_before), "recalibration must not consume training's random stream"
    assert not generator.training and first_norm.momentum == momentum
    z = torch.randn(4 * 256, 100, generator=torch.Generator().manual_seed(7))
    with torch.no_grad():
        h = first_linear(z)  # (1024, 256): what the first BatchNorm saw
    assert torch.allclose(first_norm.running_mean, h.mean(0), atol=1e-5)
    batch_vars = torch.stack([c.var(0) for c in h.split(256)])  # unbiased, per batch, as BatchNorm keeps them
    assert torch.allclose(first_norm.running_var, batch_vars.mean(0), rtol=1e-4)


def test_joint_d_pass_is_exact_only_where_d_scores_each_image_alone() -> None:
    from gan_lab.train import batch_independent

    assert [batch_independent(build_models(n)[1]) for n in ("mlp", "conv64", "dcgan")] == [True, False, False]
    runs = []
    for joint in (False, True):
        _, discriminator, _, opt_d, x_real, x_fake = setup("mlp")
        stats = d_step(discriminator, opt_d, x_real, x_fake, joint=joint)
        runs.append((stats, [p.grad.clone() for p in discriminator.parameters()], snapshot(discriminator)))
    (two, grads2, after2), (one, grads1, after1) = runs
    for key in two:
        torch.testing.assert_close(one[key], two[key], rtol=1e-5, atol=1e-6)
    for g1, g2 in zip(grads1, grads2):
        torch.testing.assert_close(g1, g2, rtol=1e-4, atol=1e-6)
    for key in after2:
        torch.testing.assert_close(after1[key], after2[key], rtol=1e-5, atol=1e-6)


def test_fused_adam_is_the_fused_kernel_and_tracks_the_default() -> None:
    from gan_lab.checkpoint import TrainState
    from gan_lab.config import TrainConfig

    states = []
    for fused in (False, True):
        torch.manual_seed(0)
        cfg = TrainConfig(model="mlp", batch_size=8, fused_adam=fused).resolved()
        state = TrainState.create(cfg, 1, torch.device("cpu"))
        x_fake = state.generator(torch.randn(8, 100))
        d_step(state.discriminator, state.opt_d, torch.rand(8, 1, 28, 28) * 2 - 1, x_fake)
        g_step(state.discriminator, state.opt_g, x_fake)
        states.append(state)
    assert [s.opt_d.param_groups[0]["fused"] for s in states] == [None, True]
    for key, value in states[0].generator.state_dict().items():
        # Adam's first step moves each weight by about lr = 2e-4: a rounding difference is far below it
        torch.testing.assert_close(states[1].generator.state_dict()[key], value, rtol=1e-4, atol=1e-5)


def test_ema_decay_warms_up_then_holds_the_constant() -> None:
    from gan_lab.ema import ema_decay

    assert ema_decay(0.999, 0) == pytest.approx(0.1)  # the first average is 90% the trained weights
    assert ema_decay(0.999, 90) == pytest.approx(91 / 100)
    assert ema_decay(0.999, 8990) == 0.999 and ema_decay(0.999, 10**6) == 0.999  # (1+t)/(10+t) >= 0.999 from t = 8,991
    assert ema_decay(0.5, 0) == pytest.approx(0.1) and ema_decay(0.5, 8) == 0.5
    # what the warm-up is for: after 310 updates (5 epochs of the shipped sample) the untrained weights'
    # share of the average, prod_t d_t, is tiny, where the constant 0.999 would leave 0.999**310 = 73% of them
    share = math.prod(ema_decay(0.999, t) for t in range(310))
    assert share < 1e-6 and 0.999**310 > 0.7
