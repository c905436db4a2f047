r"""Checks of lesson 8, WGAN-GP: the gradient penalty (the Wasserstein losses are in ``lesson8_wasserstein``).

References:
- Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", Algorithm 1: one interpolation weight
  $\epsilon_i \sim U[0, 1]$ per example, the gradient norm of each example over all its dimensions, and
  the two-sided penalty $(\lVert\nabla f(\hat x_i)\rVert_2 - 1)^2$ averaged over the batch.

The penalty is checked on a *quadratic test critic*, $f(x) = \sum_j \tfrac12 a_j x_j^2 + b_j x_j$ summed over
every non-batch position $j$, whose gradient $\nabla f(x) = a \odot x + b$ is known in closed form. The
critic records the points it is called on, so the check sees where the learner interpolated (on the segment
between $x_i$ and $\tilde x_i$ with one weight, or with a weight per element, or on the real or fake points
themselves) whatever random numbers were drawn; the value is then compared with the closed form at those
very points, and the gradient of the penalty with respect to $a$ and $b$ with its closed form too (which a
penalty computed without ``create_graph=True`` does not have). Each wrong value is matched against the value
that each known mistake gives at the same points, so the hint names the mistake.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks._torch_guard import call_with, close, expect, fail, to_numpy, verify_untouched

GP = "gradient_penalty"
DEVICE_HINTS = [
    (
        ("expected device", "same device", "is not on the expected device"),
        "a tensor (most likely eps) was created on the CPU while x_real is on another device",
        "create eps on the inputs' device and with their dtype: torch.rand(n, 1, device=x_real.device, "
        "dtype=x_real.dtype)",
    ),
    (
        ("must match the size of tensor", "doesn't match the broadcast shape"),
        "eps does not broadcast against x_real: a weight of shape (N,) lines up with the last dimension, not "
        "with the batch",
        "give eps one entry per example and size 1 in every other dimension, e.g. shape (N, 1) for points and "
        "(N, 1, 1, 1) for images",
    ),
    (
        ("does not require grad", "one of the differentiated tensors"),
        "the interpolates do not require grad, so torch cannot differentiate the critic's score with respect to them",
        "x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True) before calling the critic",
    ),
]


class QuadraticCritic(nn.Module):
    r"""$f(x) = \sum_j \tfrac12 a_j x_j^2 + b_j x_j$ per example: scores (N, 1), gradient $a \odot x + b$; records its inputs."""

    def __init__(self, shape: tuple[int, ...], seed: int, dtype: torch.dtype = torch.float64) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        scale = 1.0 / math.sqrt(math.prod(shape))  # gradient norms of order 1 whatever the size of an example
        self.a = nn.Parameter((0.3 + 1.2 * torch.rand(shape, generator=g, dtype=dtype)) * scale)
        self.b = nn.Parameter(0.3 * torch.randn(shape, generator=g, dtype=dtype) * scale)
        self.calls: list[tuple[torch.Tensor, bool]] = []  # (detached copy of the input, whether it required grad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((x.detach().clone(), x.requires_grad))
        return (0.5 * self.a * x**2 + self.b * x).flatten(1).sum(1, keepdim=True)  # (N, 1)

    def gradient(self, x: torch.Tensor) -> torch.Tensor:
        return self.a.detach() * x + self.b.detach()  # same shape as x


def _gp_cases(hidden: bool) -> list[tuple[torch.Tensor, torch.Tensor, int]]:
    """(x_real, x_fake, seed of the critic): 2-D points and image-shaped batches; real and fake far apart."""
    g = torch.Generator().manual_seed(41 if hidden else 5)
    shapes = [(9, 2), (6, 3, 4, 4), (512, 2)] if hidden else [(8, 2), (5, 2, 3, 3), (400, 2)]
    cases = []
    for i, shape in enumerate(shapes):
        x_real = 1.5 + torch.randn(shape, generator=g, dtype=torch.float64)
        x_fake = -1.5 + torch.randn(shape, generator=g, dtype=torch.float64)
        cases.append((x_real, x_fake, 100 * i + (7 if hidden else 3)))
    return cases


def _segment_weights(x_hat: torch.Tensor, x_real: torch.Tensor, x_fake: torch.Tensor) -> tuple[torch.Tensor, float]:
    """The weight eps_i that puts x_hat_i on the line through x_fake_i and x_real_i, and the largest distance off it."""
    d = (x_real - x_fake).flatten(1)  # (N, D)
    u = (x_hat - x_fake).flatten(1)
    eps = (u * d).sum(1) / (d * d).sum(1)  # (N,)
    off = float((u - eps[:, None] * d).norm(dim=1).max())
    return eps, off


def _where_interpolated(critic: QuadraticCritic, x_real: torch.Tensor, x_fake: torch.Tensor) -> torch.Tensor:
    """The points the penalty was evaluated at (the call that required grad); hints for the wrong places."""
    expect(bool(critic.calls), GP, "the critic was never called", "score the interpolates: critic(x_hat)")
    graded = [x for x, needs_grad in critic.calls if needs_grad] or [critic.calls[-1][0]]
    x_hat = graded[-1]
    expect(
        tuple(x_hat.shape) == tuple(x_real.shape),
        GP,
        f"the critic was called on a batch of shape {tuple(x_hat.shape)}, expected {tuple(x_real.shape)} (one "
        "interpolate per pair of real and fake examples)",
        "x_hat = eps * x_real + (1 - eps) * x_fake, with the shape of x_real",
    )
    if torch.equal(x_hat, x_real):
        raise fail(
            GP,
            "the penalty was computed on the real points, not on interpolates",
            "use x_hat = eps * x_real + (1 - eps) * x_fake",
        )
    if torch.equal(x_hat, x_fake):
        raise fail(
            GP,
            "the penalty was computed on the fake points, not on interpolates",
            "use x_hat = eps * x_real + (1 - eps) * x_fake",
        )
    eps, off = _segment_weights(x_hat, x_real, x_fake)
    scale = float((x_real - x_fake).flatten(1).norm(dim=1).max())
    if off > 1e-6 * scale:
        raise fail(
            GP,
            "the interpolates are not on the segments between paired real and fake examples: a weight per "
            "element (per pixel or coordinate) scatters x_hat inside a box",
            "draw ONE weight per example, eps = torch.rand(n, 1, ...) (n, 1, 1, 1 for images), broadcast over the "
            "other dimensions",
        )
    expect(
        bool(((eps > -1e-9) & (eps < 1 + 1e-9)).all()),
        GP,
        "some interpolation weights lie outside [0, 1] (eps drawn from a normal distribution?)",
        "draw eps uniformly in [0, 1] with torch.rand",
    )
    if len(eps) >= 8:
        expect(
            float(eps.max() - eps.min()) > 1e-6,
            GP,
            f"every example got the same interpolation weight ({float(eps[0]):.3f})",
            "draw one random weight per example, eps = torch.rand(n, 1, ...)",
        )
    if len(eps) >= 100:  # Kolmogorov-Smirnov distance to U[0, 1]; 2.2 / sqrt(n) is its 1e-4 tail
        sorted_eps = eps.sort().values
        n = len(eps)
        grid = torch.arange(1, n + 1, dtype=eps.dtype) / n
        ks = float(torch.maximum(grid - sorted_eps, sorted_eps - (grid - 1 / n)).max())
        expect(
            ks < 2.2 / math.sqrt(n),
            GP,
            f"the interpolation weights are not uniform on [0, 1] (Kolmogorov-Smirnov distance {ks:.3f} over {n})",
            "draw eps with torch.rand, uniform on [0, 1]",
        )
    return x_hat


def _penalty_variants(grad: torch.Tensor) -> tuple[float, dict[str, float]]:
    """The correct penalty for gradients ``grad`` (N, ...) and the value of each known mistake."""
    norms = grad.flatten(1).norm(dim=1)  # (N,)

    def two_sided(n: torch.Tensor) -> float:
        return float(((n - 1) ** 2).mean())

    variants = {
        "a one-sided penalty: only gradient norms above 1 are penalised (clamp(norm - 1, min=0)) | Gulrajani et al. "
        "penalise both sides: ((norm - 1) ** 2).mean()": float((F.relu(norms - 1) ** 2).mean()),
        "the square is missing: |norm - 1| instead of (norm - 1) ** 2 | square the difference": float(
            (norms - 1).abs().mean()
        ),
        "the square is missing: (norm - 1) is averaged without squaring | square the difference": float(
            (norms - 1).mean()
        ),
        "the squared norm was used instead of the norm | take the norm (.norm(2, dim=1)), then ((norm - 1) ** 2)": two_sided(
            norms**2
        ),
        "the norm was taken over the batch dimension (dim=0) instead of over each example | flatten each example's "
        "gradient, grad.flatten(1), and take .norm(2, dim=1): one norm per example": two_sided(grad.norm(dim=0)),
        "the norm was taken over the last dimension only, not over all of an example's dimensions | flatten each "
        "example's gradient first: grad.flatten(1).norm(2, dim=1)": two_sided(grad.norm(dim=-1)),
        "the norm was taken over dim=1 only (the channels), not over all of an example's dimensions | flatten each "
        "example's gradient first: grad.flatten(1).norm(2, dim=1)": two_sided(grad.norm(dim=1)),
        "one norm for the whole batch's gradient instead of one per example | grad.flatten(1).norm(2, dim=1) gives "
        "one norm per example": two_sided(grad.norm().reshape(1)),
        "the gradient of the *mean* score was taken: every example's gradient is divided by the batch size | "
        "differentiate the sum of the scores (each example's score depends on that example only)": two_sided(
            norms / len(norms)
        ),
        "summed over the examples instead of averaged | average over the batch: .mean()": float(
            ((norms - 1) ** 2).sum()
        ),
        "the '- 1' is missing: that penalises the gradient norm itself, pushing the critic towards a constant | "
        "penalise the distance of the norm from 1: (norm - 1) ** 2": float((norms**2).mean()),
    }
    return two_sided(norms), variants


def _expected_parameter_grads(critic: QuadraticCritic, x_hat: torch.Tensor) -> list[torch.Tensor]:
    r"""d penalty / d (a, b) in closed form: $\frac{2}{N}\sum_i \frac{\lVert g_i\rVert - 1}{\lVert g_i\rVert} g_i \odot (\hat x_i, 1)$."""
    g = critic.gradient(x_hat)  # (N, ...)
    norms = g.flatten(1).norm(dim=1).reshape(-1, *([1] * (g.dim() - 1)))
    w = 2.0 * (norms - 1) / norms / g.shape[0] * g
    return [(w * x_hat).sum(0), w.sum(0)]


def _check_penalty_case(gradient_penalty, x_real: torch.Tensor, x_fake: torch.Tensor, seed: int) -> None:
    critic = QuadraticCritic(tuple(x_real.shape[1:]), seed)
    real, fake = x_real.clone(), x_fake.clone()
    out = call_with(DEVICE_HINTS, GP, gradient_penalty, critic, x_real, x_fake)
    if isinstance(out, (float, int)):
        raise fail(
            GP, "returned a Python number: .item() or float() cuts the graph", "return the penalty tensor itself"
        )
    expect(isinstance(out, torch.Tensor), GP, f"returned {type(out).__name__}", "return a scalar tensor")
    expect(
        out.dim() == 0,
        GP,
        f"returned shape {tuple(out.shape)}, not a scalar: the per-example penalties were not averaged",
        "average over the batch: ((norms - 1) ** 2).mean()",
    )
    expect(
        torch.equal(x_real, real)
        and torch.equal(x_fake, fake)
        and not x_real.requires_grad
        and not x_fake.requires_grad,
        GP,
        "x_real or x_fake was changed in place (or had requires_grad switched on)",
        "build x_hat as a new tensor and call .requires_grad_(True) on x_hat only",
    )
    expect(
        all(p.grad is None for p in critic.parameters()),
        GP,
        "the critic's .grad was filled: backward() was called inside gradient_penalty",
        "take the gradient with torch.autograd.grad(scores.sum(), x_hat, create_graph=True), which fills no .grad; "
        "the training step calls backward() once on the whole critic loss",
    )
    x_hat = _where_interpolated(critic, x_real, x_fake)
    got = float(to_numpy(out))
    expected, variants = _penalty_variants(critic.gradient(x_hat))
    if not math.isclose(got, expected, rel_tol=1e-5, abs_tol=1e-8):
        for hint, value in variants.items():
            if math.isclose(got, value, rel_tol=1e-5, abs_tol=1e-8):
                mistake, fix = hint.split(" | ")
                raise fail(GP, mistake, fix)
        raise fail(
            GP,
            f"got {got:.6f}, expected {expected:.6f} for a batch of shape {tuple(x_real.shape)}",
            "the penalty is ((||grad of critic(x_hat) w.r.t. x_hat|| - 1) ** 2).mean(), one norm per example",
        )
    expect(
        out.requires_grad,
        GP,
        "the penalty has no graph back to the critic's weights: torch.autograd.grad was called without "
        "create_graph=True (or the gradient was detached), so the penalty cannot train the critic",
        "torch.autograd.grad(scores.sum(), x_hat, create_graph=True)",
    )
    grads = torch.autograd.grad(out, list(critic.parameters()), allow_unused=True)
    expected_grads = _expected_parameter_grads(critic, x_hat)
    expect(
        all(g is not None and close(g, e, rtol=1e-5, atol=1e-9) for g, e in zip(grads, expected_grads)),
        GP,
        "the penalty's gradient with respect to the critic's weights is wrong: part of the computation was "
        "detached (create_graph=True missing, or .detach() on the gradient)",
        "keep the whole computation differentiable: torch.autograd.grad(..., create_graph=True), no .detach()",
    )


def check_gradient_penalty(gradient_penalty, hidden: bool = False) -> None:
    """gradient_penalty(critic, x_real, x_fake) = mean_i (||grad f(x_hat_i)|| - 1)^2 on per-example interpolates."""
    verify_untouched()
    for x_real, x_fake, seed in _gp_cases(hidden):
        _check_penalty_case(gradient_penalty, x_real, x_fake, seed)
    # float32 inputs stay float32; the meta device (shapes, no values) stands in for a GPU
    for device, dtype in (("cpu", torch.float32), ("meta", torch.float32)):
        critic = QuadraticCritic((2,), 1, dtype).to(device)
        x = torch.zeros(4, 2, dtype=dtype, device=device)
        out = call_with(DEVICE_HINTS, GP, gradient_penalty, critic, x + 1, x - 1)
        expect(
            isinstance(out, torch.Tensor) and out.dtype == dtype and out.device.type == device,
            GP,
            f"{dtype} inputs on {device} gave {getattr(out, 'dtype', type(out).__name__)} on "
            f"{getattr(out, 'device', '?')}: eps was made with another dtype or device",
            "torch.rand(n, 1, device=x_real.device, dtype=x_real.dtype)",
        )


CHECKS = {"gradient_penalty": check_gradient_penalty}
