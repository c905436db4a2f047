"""LSGAN, Wasserstein and hinge losses against their formulas; the gradient penalty against a per-example
double loop and torch.func per-sample gradients; spectral norm against torch.linalg.svdvals; the objective's
one-line errors for combinations that cannot train."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, grad, vmap

from gan_lab import losses
from gan_lab.models import DCGANDiscriminator, MLPDiscriminator
from gan_lab.objectives import Objective, after_critic_step, check_objective, critic_loss, ttur_learning_rates
from gan_lab.regularizers import (
    apply_spectral_norm,
    clip_weights_,
    gradient_penalty,
    has_batch_norm,
    has_spectral_norm,
    interpolate,
    weight_matrix,
)
from gan_lab.runtime import GanLabError


def scores(seed: int, n: int = 16) -> torch.Tensor:
    return torch.randn(n, 1, generator=torch.Generator().manual_seed(seed)) * 2


def small_critic() -> nn.Module:
    """A convolutional critic without BatchNorm, on (N, 2, 6, 6) inputs: several non-batch dimensions."""
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(2, 4, 3), nn.Tanh(), nn.Flatten(), nn.Linear(4 * 4 * 4, 8), nn.Tanh(), nn.Linear(8, 1)
    ).double()  # float64 so the references agree to 1e-10 (a smooth activation: second derivatives are non-zero)


def batch(seed: int, n: int = 5) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x_real = torch.randn(n, 2, 6, 6, generator=g, dtype=torch.float64)
    x_fake = torch.randn(n, 2, 6, 6, generator=g, dtype=torch.float64)
    return x_real, x_fake, torch.rand(n, generator=g, dtype=torch.float64)


# --- losses against their formulas ---------------------------------------------------------------------------
def test_generator_losses_unchanged() -> None:
    assert losses.GENERATOR_LOSSES == ("non-saturating", "saturating")
    assert set(losses.GENERATOR_LOSSES) < set(losses.LOSSES)


@pytest.mark.parametrize("seed", [0, 1])
def test_lsgan(seed: int) -> None:
    r, f = scores(seed), scores(seed + 10)
    expected_d = 0.5 * F.mse_loss(r, torch.ones_like(r)) + 0.5 * F.mse_loss(f, torch.zeros_like(f))
    assert torch.allclose(losses.lsgan_discriminator_loss(r, f), expected_d, atol=1e-6)
    assert torch.allclose(losses.lsgan_generator_loss(f), 0.5 * F.mse_loss(f, torch.ones_like(f)), atol=1e-6)
    # optimum of the discriminator's loss: scores exactly 1 on real and 0 on fake give 0
    assert losses.lsgan_discriminator_loss(torch.ones(4, 1), torch.zeros(4, 1)).item() == 0.0


@pytest.mark.parametrize("seed", [0, 1])
def test_wasserstein_and_hinge(seed: int) -> None:
    r, f = scores(seed), scores(seed + 10)
    r_list, f_list = r.flatten().tolist(), f.flatten().tolist()
    n = len(r_list)
    assert losses.wasserstein_critic_loss(r, f).item() == pytest.approx(sum(f_list) / n - sum(r_list) / n, abs=1e-5)
    assert losses.wasserstein_generator_loss(f).item() == pytest.approx(-sum(f_list) / n, abs=1e-5)
    hinge = sum(max(0.0, 1 - a) for a in r_list) / n + sum(max(0.0, 1 + b) for b in f_list) / n
    assert losses.hinge_discriminator_loss(r, f).item() == pytest.approx(hinge, abs=1e-5)
    assert torch.equal(losses.hinge_generator_loss(f), losses.wasserstein_generator_loss(f))
    # beyond the margin the hinge costs nothing and passes no gradient
    far = torch.tensor([[3.0]], requires_grad=True)
    losses.hinge_discriminator_loss(far, -far).backward()
    assert far.grad.item() == 0.0


@pytest.mark.parametrize("kind", losses.LOSSES)
def test_family_dispatch(kind: str) -> None:
    r, f = scores(3), scores(4)
    direct_d = {
        "non-saturating": losses.discriminator_loss,
        "saturating": losses.discriminator_loss,
        "lsgan": losses.lsgan_discriminator_loss,
        "wgan": losses.wasserstein_critic_loss,
        "wgan-gp": losses.wasserstein_critic_loss,
        "hinge": losses.hinge_discriminator_loss,
    }[kind]
    direct_g = {
        "non-saturating": losses.generator_loss_non_saturating,
        "saturating": losses.generator_loss_saturating,
        "lsgan": losses.lsgan_generator_loss,
        "wgan": losses.wasserstein_generator_loss,
        "wgan-gp": losses.wasserstein_generator_loss,
        "hinge": losses.hinge_generator_loss,
    }[kind]
    assert torch.equal(losses.family_discriminator_loss(kind, r, f), direct_d(r, f))
    assert torch.equal(losses.family_generator_loss(kind, f), direct_g(f))
    with pytest.raises(ValueError, match="unknown loss"):
        losses.family_generator_loss("wasserstein", f)


# --- the gradient penalty -------------------------------------------------------------------------------------
def loop_penalty(critic: nn.Module, x_real: torch.Tensor, x_fake: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """The definition, one example at a time: its own interpolate, its own gradient, its own norm."""
    terms = []
    for i in range(x_real.shape[0]):
        x_hat = (eps[i] * x_real[i] + (1 - eps[i]) * x_fake[i]).unsqueeze(0).requires_grad_(True)
        (g,) = torch.autograd.grad(critic(x_hat).squeeze(), x_hat, create_graph=True)
        norm = torch.sqrt(sum(v**2 for v in g.flatten()))  # over every channel and pixel of example i
        terms.append((norm - 1) ** 2)
    return sum(terms) / len(terms)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_penalty_matches_double_loop(seed: int) -> None:
    critic = small_critic()
    x_real, x_fake, eps = batch(seed)
    penalty, reference = gradient_penalty(critic, x_real, x_fake, eps), loop_penalty(critic, x_real, x_fake, eps)
    assert torch.allclose(penalty, reference, rtol=1e-10)
    # create_graph=True: the penalty is differentiable in the critic's weights, with the reference's gradients
    params = list(critic.parameters())[:-1]  # the last bias shifts every score alike: no gradient to penalise
    got, want = torch.autograd.grad(penalty, params), torch.autograd.grad(reference, params)
    assert all(torch.allclose(a, b, rtol=1e-8, atol=1e-12) for a, b in zip(got, want))
    assert any(a.abs().sum() > 0 for a in got)


def test_gradient_penalty_matches_torch_func_per_sample_gradients() -> None:
    critic = small_critic()
    x_real, x_fake, eps = batch(7, n=6)
    x_hat = eps.view(-1, 1, 1, 1) * x_real + (1 - eps.view(-1, 1, 1, 1)) * x_fake
    params = {k: v.detach() for k, v in critic.named_parameters()}

    def score(x: torch.Tensor) -> torch.Tensor:
        return functional_call(critic, params, (x.unsqueeze(0),)).squeeze()

    per_sample = vmap(grad(score))(x_hat)  # (N, 2, 6, 6): the gradient of each example's own score
    expected = ((per_sample.flatten(1).norm(dim=1) - 1) ** 2).mean()
    assert torch.allclose(gradient_penalty(critic, x_real, x_fake, eps), expected, rtol=1e-10)


def test_interpolates_one_weight_per_example() -> None:
    x_real, x_fake, _ = batch(3)
    torch.manual_seed(5)
    x_hat = interpolate(x_real, x_fake)
    torch.manual_seed(5)
    eps = torch.rand(x_real.shape[0], dtype=x_real.dtype)  # the same draw: one U[0, 1] weight per example
    assert torch.allclose(x_hat, eps.view(-1, 1, 1, 1) * x_real + (1 - eps.view(-1, 1, 1, 1)) * x_fake)
    # every element of example i sits at the same fraction of the way from x_fake to x_real
    ratio = (x_hat - x_fake) / (x_real - x_fake)
    assert torch.allclose(ratio, ratio[:, :1, :1, :1].expand_as(ratio), rtol=1e-9)
    assert not x_hat.requires_grad


def test_penalty_is_zero_for_a_unit_gradient_critic() -> None:
    critic = nn.Linear(3, 1, bias=False)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[0.6, 0.0, 0.8]]))  # gradient norm exactly 1 everywhere
    x_real, x_fake = torch.randn(8, 3), torch.randn(8, 3)
    assert gradient_penalty(critic, x_real, x_fake).item() == pytest.approx(0.0, abs=1e-12)
    with torch.no_grad():
        critic.weight.mul_(3.0)  # norm 3: penalty (3 - 1)^2 = 4 for every example
    assert gradient_penalty(critic, x_real, x_fake).item() == pytest.approx(4.0, rel=1e-6)


# --- clipping and spectral normalisation ----------------------------------------------------------------------
def test_clip_weights() -> None:
    critic = MLPDiscriminator(hidden=(16,), image_size=4)
    before = [p.detach().clone() for p in critic.parameters()]
    clip_weights_(critic, 0.01)
    for b, p in zip(before, critic.parameters()):
        assert p.abs().max() <= 0.01
        assert torch.equal(p, b.clamp(-0.01, 0.01))


@pytest.mark.parametrize("make", [lambda: MLPDiscriminator(), lambda: DCGANDiscriminator(channels=1)])
def test_spectral_norm_largest_singular_value_is_one(make) -> None:
    torch.manual_seed(0)
    critic = apply_spectral_norm(make(), n_power_iterations=200)
    layers = [m for m in critic.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    assert layers and all(has_spectral_norm(m) for m in layers) and has_spectral_norm(critic)
    size = 28 if isinstance(critic, MLPDiscriminator) else 64
    critic.train()
    with torch.no_grad():
        for _ in range(3):  # 3 forward passes x 200 power iterations: the estimate has converged
            critic(torch.randn(2, 1, size, size))
    critic.eval()
    for layer in layers:
        sigma = torch.linalg.svdvals(weight_matrix(layer))[0].item()
        assert sigma == pytest.approx(1.0, abs=1e-3)
        raw = layer.parametrizations.weight.original.detach().flatten(1)
        assert torch.linalg.svdvals(raw)[0].item() != pytest.approx(1.0, abs=1e-2)  # the raw weight is not
    apply_spectral_norm(critic)  # idempotent: no second parametrization stacked on the first
    assert all(len(m.parametrizations.weight) == 1 for m in layers)


# --- the objective: one-line errors and the composed critic loss ----------------------------------------------
BAD = [
    (Objective(loss="wgan-gp"), DCGANDiscriminator(), 1.0, "BatchNorm"),
    (Objective(loss="wgan", spectral_norm=True), None, 1.0, "choose one"),
    (Objective(loss="wgan"), apply_spectral_norm(MLPDiscriminator(hidden=(8,), image_size=4)), 1.0, "choose one"),
    (Objective(loss="hinge", spectral_norm=True), MLPDiscriminator(hidden=(8,), image_size=4), 1.0, "no spectrally"),
    (Objective(loss="wgan", clip=0.0), None, 1.0, "--clip > 0"),
    (Objective(loss="wgan-gp", gp_weight=-1), None, 1.0, "gp-weight"),
    (Objective(loss="hinge", n_critic=0), None, 1.0, "n-critic"),
    (Objective(loss="wgan-gp"), None, 0.9, "real-label"),
    (Objective(loss="wasserstein"), None, 1.0, "unknown loss"),
]


@pytest.mark.parametrize(("obj", "discriminator", "real_label", "match"), BAD)
def test_bad_combinations_are_one_line_errors(obj, discriminator, real_label, match) -> None:
    with pytest.raises(GanLabError, match=match) as err:
        check_objective(obj, discriminator, real_label)
    assert "\n" not in str(err.value)


def test_good_combinations_pass() -> None:
    sn = apply_spectral_norm(MLPDiscriminator(hidden=(8,), image_size=4))
    check_objective(Objective(loss="wgan-gp", n_critic=5), MLPDiscriminator(hidden=(8,), image_size=4))
    check_objective(Objective(loss="hinge", spectral_norm=True), sn)
    check_objective(Objective(loss="wgan-gp", spectral_norm=True), sn)
    check_objective(Objective(), DCGANDiscriminator(), real_label=0.9)
    assert has_batch_norm(DCGANDiscriminator()) and not has_batch_norm(MLPDiscriminator())


def test_critic_loss_adds_the_weighted_penalty_and_clipping_follows_the_step() -> None:
    critic = small_critic()
    x_real, x_fake, _ = batch(1)
    torch.manual_seed(3)
    loss_d, logits_real, logits_fake = critic_loss(Objective(loss="wgan-gp", gp_weight=10.0), critic, x_real, x_fake)
    torch.manual_seed(3)
    penalty = gradient_penalty(critic, x_real, x_fake)
    expected = logits_fake.mean() - logits_real.mean() + 10.0 * penalty
    assert torch.allclose(loss_d, expected, rtol=1e-12)
    after_critic_step(Objective(loss="hinge"), critic)
    assert max(p.abs().max() for p in critic.parameters()) > 0.01  # only WGAN clips
    after_critic_step(Objective(loss="wgan", clip=0.01), critic)
    assert max(p.abs().max() for p in critic.parameters()) <= 0.01


def test_ttur_learning_rates() -> None:
    assert ttur_learning_rates(1e-4, 4.0) == (1e-4, 4e-4)
    with pytest.raises(GanLabError):
        ttur_learning_rates(1e-4, 0.0)
