r"""Lesson 8's training loop and its "it learned" check: a WGAN-GP trained on the ring of 8 Gaussians must
cover its modes.

References:
- Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", Algorithm 1: ``n_critic`` critic steps
  (each with a fresh real batch, fresh noise and the gradient penalty) per generator step.
- Metz et al. 2017, "Unrolled GANs", section 3.1: 8 Gaussians on a ring of radius 2, standard deviation 0.02.
- Srivastava et al. 2017, "VEEGAN", section 5.1: a generated point belongs to a mode within 3 standard
  deviations of its centre; a mode is covered when enough generated points belong to it.

The ring and the coverage rule are restated here because the checks import nothing of ``gan_lab.lab2d``
(it sits beside them in the layers); ``tests/test_lesson8.py`` pins that both give the same counts. The
loop is checked twice: its contract on tiny networks (the order of the optimizer steps, untouched data,
fresh noise), then by what it achieves: the check trains the lesson's networks with the learner's loop on
the ring, under a fixed seed, and counts the modes covered. The bar comes from
``scripts/calibrate_lesson8.py`` (the solution's loop over at least 10 seeds, and broken variants),
recorded in ``book/results/lesson_calibration/08_wgan_gp.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from gan_lab.checks._loop_call import call_loop

RADIUS, STD, N_MODES = 2.0, 0.02, 8  # the ring of gan_lab.lab2d.mixtures.ring()
N_STD = 3.0  # a point within 3 standard deviations of a centre belongs to that mode
COVER_FRACTION = 0.2  # a mode is covered by at least a fifth of its fair share, N_EVAL / N_MODES points
N_EVAL = 2500
EXERCISE = "train_wgan_gp"
OWN_PIECES = ("gradient_penalty", "critic_loss", "generator_loss")
REFERENCE_MODULES = ("gan_lab", "torch")


@dataclass(frozen=True)
class RingRun:
    """The lesson's training run, which the calibration measured, and the bar a trained generator must reach."""

    steps: int = 1000  # generator steps
    batch_size: int = 128
    n_critic: int = 5
    gp_weight: float = 0.1  # Gulrajani et al.: 10 on images, 0.1 in their code for the 2-D toy data sets
    n_train: int = 20_000  # points of the ring the loop draws its batches from
    min_modes: int = 5  # modes covered (of 8): every calibrated seed of the solution reaches it
    seed: int = 0  # the check's own run


RUN = RingRun()


def ring_centres() -> torch.Tensor:
    """The 8 centres, (8, 2), evenly spaced on the circle of radius 2."""
    angles = torch.arange(N_MODES) * (2 * math.pi / N_MODES)
    return RADIUS * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)


def sample_ring(n: int, seed: int) -> torch.Tensor:
    """``n`` points of the ring, (n, 2): a uniformly chosen centre plus Gaussian noise of std 0.02."""
    g = torch.Generator().manual_seed(seed)
    k = torch.randint(N_MODES, (n,), generator=g)
    return ring_centres()[k] + STD * torch.randn(n, 2, generator=g)


def score_ring(points: torch.Tensor) -> dict:
    """Modes covered, share of high-quality points and the count of points per mode, for ``points`` (N, 2)."""
    dist = torch.cdist(points.double(), ring_centres().double())  # (N, 8)
    nearest_dist, nearest = dist.min(dim=1)
    near = nearest_dist <= N_STD * STD
    counts = torch.bincount(nearest[near], minlength=N_MODES)  # (8,)
    return {
        "modes_covered": int((counts >= COVER_FRACTION * len(points) / N_MODES).sum()),
        "hq_share": float(near.double().mean()),
        "counts": counts.tolist(),
    }


def networks(seed: int, latent_dim: int = 2, hidden: int = 128) -> tuple[nn.Module, nn.Module]:
    """The lesson's pair: MLPs with two hidden layers, ReLU in the generator, LeakyReLU(0.2) in the critic."""
    torch.manual_seed(seed)
    generator = nn.Sequential(
        nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 2)
    )
    critic = nn.Sequential(
        nn.Linear(2, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 1)
    )
    return generator, critic


@torch.no_grad()
def generated_points(generator: nn.Module, latent_dim: int = 2, n: int = N_EVAL, seed: int = 0) -> torch.Tensor:
    """``n`` points of ``generator`` from fixed noise, in eval mode (its mode restored), as (n, 2) on the CPU."""
    device = next(generator.parameters()).device
    z = torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed)).to(device)
    was_training = generator.training
    generator.eval()
    try:
        points = generator(z).float().cpu()
    finally:
        generator.train(was_training)
    if tuple(points.shape) != (n, 2):
        raise AssertionError(f"the generator made points of shape {tuple(points.shape)}, expected ({n}, 2)")
    return points


def _verdict(scores: dict) -> str:
    return (
        f"{scores['modes_covered']}/{N_MODES} modes covered (at least {RUN.min_modes}), "
        f"{scores['hq_share']:.0%} of the points within 3 standard deviations of a mode; points per mode "
        f"{scores['counts']}"
    )


LEARN_HINTS = (
    "Likely causes, if the other checks pass: the penalty is missing from loss_d (or gp_weight is ignored); a "
    "loss has the wrong sign; the penalty was computed without create_graph=True; a zero_grad is missing, so "
    "gradients pile up over the steps; or the learning rates, their decay, the betas, the batch size or the "
    "number of steps differ from the lesson's run"
)


def check_modes_covered(generator: nn.Module, latent_dim: int = 2) -> dict:
    """Score the generator the lesson trained on the ring; raise ``AssertionError`` when it misses modes."""
    if not isinstance(generator, nn.Module):
        raise AssertionError(
            f"expected your trained generator (an nn.Module), got {type(generator).__name__}: run the training cell"
        )
    points = generated_points(generator, latent_dim)
    if not torch.isfinite(points).all():
        raise AssertionError("the generator made NaN or infinite points: training diverged (check the losses' signs)")
    scores = score_ring(points)
    if scores["modes_covered"] < RUN.min_modes:
        raise AssertionError(
            f"your WGAN-GP has not learned the ring yet: {_verdict(scores)}. The bar was met by the solution's "
            f"code on every calibrated seed ({RUN.steps} generator steps). {LEARN_HINTS}."
        )
    print(f"your generator learned the ring: {_verdict(scores)}")
    return scores


def _fail(mistake: str, fix: str) -> AssertionError:
    return AssertionError(f"[{EXERCISE}] {mistake}. Fix: {fix}.")


def _expect(condition: bool, mistake: str, fix: str) -> None:
    if not condition:
        raise _fail(mistake, fix)


def _check_own_pieces(train_fn) -> None:
    """The loop must call the learner's own penalty and losses, not gan_lab's (or torch's)."""
    namespace = getattr(train_fn, "__globals__", {})
    for piece in OWN_PIECES:
        module = getattr(namespace.get(piece), "__module__", None) or ""
        if module.split(".")[0] in REFERENCE_MODULES:
            raise _fail(
                f"write your own: `{piece}` in this notebook is {module}.{piece}, which earns no credit",
                f"define your own {piece} in this notebook (its exercise above) and let the loop call it",
            )


def _run(train_fn, generator, critic, x_train, steps, **kwargs) -> tuple[list, list[str]]:
    """Call the learner's loop; return what it returned and the order of the optimizer steps ('C', 'G', '?')."""
    return call_loop(
        train_fn,
        (generator, critic, x_train, steps),
        kwargs,
        {"G": generator, "C": critic},
        EXERCISE,
        (
            "the second backward failed ('backward through the graph a second time'): the critic step trains on "
            "x_fake without .detach(), or the generator's loss reuses the critic step's graph",
            "draw x_fake under torch.no_grad() (or .detach() it) for the critic steps, and compute loss_g from a "
            "fresh generator(z) and critic pass",
        ),
        f"{EXERCISE}(generator, critic, x_train, steps, batch_size=..., latent_dim=..., n_critic=..., "
        "gp_weight=...) must work for any networks and sizes; if the error comes from gradient_penalty or the "
        "losses, fix those first",
    )


def _check_contract(train_fn, hidden: bool) -> None:
    steps, batch_size, n_critic, latent_dim = (3, 5, 2, 3) if hidden else (4, 8, 3, 2)
    x_train = sample_ring(64, 3)
    x_copy = x_train.clone()
    noise: list[torch.Tensor] = []
    with torch.random.fork_rng(devices=[]):  # the caller's random stream is left as it was
        generator, critic = networks(13 if hidden else 11, latent_dim, hidden=8)
        g_before = [p.detach().clone() for p in generator.parameters()]
        c_before = [p.detach().clone() for p in critic.parameters()]
        generator.register_forward_pre_hook(lambda module, args: noise.append(args[0].detach().clone()))
        torch.manual_seed(5)
        history, order = _run(
            train_fn, generator, critic, x_train, steps, batch_size=batch_size, latent_dim=latent_dim,
            n_critic=n_critic, gp_weight=10.0,
        )  # fmt: skip
    _expect(torch.equal(x_train, x_copy), "x_train was changed in place", "take batches by indexing; never modify it")
    expected = (["C"] * n_critic + ["G"]) * steps
    _expect("?" not in order, "one optimizer holds both networks' parameters", "one Adam per network: opt_d, opt_g")
    _expect(
        order.count("C") > 0, "the critic's optimizer never stepped", "call opt_d.step() after each critic backward"
    )
    _expect(order.count("G") > 0, "the generator's optimizer never stepped", "call opt_g.step() once per step")
    if order != expected:
        shown = "".join(order[: 3 * (n_critic + 1)])
        raise _fail(
            f"with steps={steps} and n_critic={n_critic} the optimizers stepped in the order {shown}... "
            f"({order.count('C')} critic and {order.count('G')} generator steps), expected "
            f"{''.join(expected[: 2 * (n_critic + 1)])}... (C: critic, G: generator)",
            "for each of the `steps` generator steps, first n_critic critic steps (each with a fresh batch and fresh "
            "z), then one generator step",
        )
    _expect(
        isinstance(history, (list, tuple)) and len(history) == steps,
        f"it returned {type(history).__name__} of length {len(history) if hasattr(history, '__len__') else '?'}",
        "return the list of (loss_d, loss_g) pairs, one per generator step",
    )
    values = torch.tensor([[float(a), float(b)] for a, b in history])
    _expect(bool(torch.isfinite(values).all()), f"non-finite losses {history}", "return the finite losses")
    _expect(
        not all(torch.equal(a, b.detach()) for a, b in zip(g_before, generator.parameters())),
        "the generator's weights never changed: its loss has no gradient to it (computed on the real scores, or on "
        "x_fake.detach()?)",
        "loss_g = generator_loss(critic(generator(z))) with a fresh z, then opt_g.step()",
    )
    _expect(
        not all(torch.equal(a, b.detach()) for a, b in zip(c_before, critic.parameters())),
        "the critic's weights never changed",
        "build opt_d on critic.parameters() and step it after each critic backward",
    )
    _expect(
        len(noise) >= 2 and not all(torch.equal(noise[0], z) for z in noise[1:]),
        "the generator got the same z at every step",
        "draw a new z inside the loop, for every critic step and every generator step",
    )


def train_on_ring(train_fn, seed: int) -> tuple[nn.Module, dict]:
    """The lesson's run with ``train_fn`` from ``seed`` (networks, data and every draw): the trained generator and
    its scores. The check runs it with ``RUN.seed``; the calibration with many seeds."""
    x_train = sample_ring(RUN.n_train, seed + 1)
    with torch.random.fork_rng(devices=[]):  # the caller's random stream is left as it was
        generator, critic = networks(seed)
        torch.manual_seed(seed)
        _run(
            train_fn, generator, critic, x_train, RUN.steps, batch_size=RUN.batch_size, latent_dim=2,
            n_critic=RUN.n_critic, gp_weight=RUN.gp_weight,
        )  # fmt: skip
    points = generated_points(generator)
    return generator, score_ring(points) if bool(torch.isfinite(points).all()) else {}


def _check_learns(train_fn) -> dict:
    """The lesson's run with the learner's loop, from a fixed seed: it must cover the ring's modes."""
    _, scores = train_on_ring(train_fn, RUN.seed)
    _expect(
        bool(scores),
        "trained on the ring, the generator made NaN or infinite points: training diverged",
        "check the signs of critic_loss and generator_loss and that the penalty is added with gp_weight",
    )
    _expect(
        scores["modes_covered"] >= RUN.min_modes,
        f"trained on the ring with the lesson's settings (seed {RUN.seed}), your loop reached {_verdict(scores)}; "
        "the solution reaches the bar on every calibrated seed. " + LEARN_HINTS,
        "compare your loop with the steps listed in the exercise, one line at a time",
    )
    return scores


def check_train_wgan_gp(train_wgan_gp, hidden: bool = False) -> None:
    """The loop's contract on tiny networks; then (visible cases) the lesson's run on the ring covers its modes."""
    if not callable(train_wgan_gp):
        raise _fail(f"expected the function {EXERCISE}, got {type(train_wgan_gp).__name__}", f"define {EXERCISE}")
    _check_own_pieces(train_wgan_gp)
    _check_contract(train_wgan_gp, hidden)
    if not hidden:  # the run takes seconds: once per grading is enough, its seed is fixed
        _check_learns(train_wgan_gp)


CHECKS = {EXERCISE: check_train_wgan_gp}
