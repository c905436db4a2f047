"""The training loop a lesson's learner writes, checked twice: its contract on small networks, then, in the
hidden cases (the grader's), the lesson's run itself, trained from scratch with the learner's loop and networks
and scored like the notebook's run.

References:
- Goodfellow et al. 2014, Algorithm 1: one discriminator step, then one generator step, per iteration.
- Lucic et al. 2018, "Are GANs Created Equal?": one run of a GAN is a draw, so the check's run is the one the bar
  was calibrated on: the lesson's run cell's settings and seed (``RUNS``; ``scripts/calibrate_learned.py`` trains
  through ``train_lesson_run`` too, recorded in ``book/results/lesson_calibration/``).

Why the grader trains again rather than scoring the notebook's generator: it runs only the learner's code cells
and calls each check itself, and a generator a notebook leaves behind may come from anywhere (loaded from a
file, trained for longer, or on the held-out digits the score compares with). A run the check makes itself, from
the seed, data and budget of the calibration, depends on nothing but the learner's code. The pieces the loop
calls are checked first (``learned_audit``): a broken piece fails in seconds, and two broken pieces train
digits that pass the bar. The learner's notebook leaves the hidden cases out, so it trains only once there
(its run cell, scored by ``learned.check_learned``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from gan_lab.checks._guard import fail
from gan_lab.checks.learned import BARS, judge
from gan_lab.checks.learned_audit import REFERENCE_MODULES, audit, check_own_pieces, loop_namespace
from gan_lab.data import load_dataset


class _Recorder:
    """Stands in for ``gan_lab.live.LiveProgress``: records what the learner's loop reports at each step."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, float, float, torch.Tensor, torch.Tensor]] = []

    def update(self, step, loss_d, loss_g, x_real, x_fake) -> None:
        self.calls.append((step, float(loss_d), float(loss_g), x_real.detach().clone(), x_fake.detach().clone()))


def _small_gan(seed: int, latent_dim: int, size: int) -> tuple[nn.Module, nn.Module]:
    torch.manual_seed(seed)
    generator = nn.Sequential(nn.Linear(latent_dim, size * size), nn.Tanh(), nn.Unflatten(1, (1, size, size)))
    discriminator = nn.Sequential(nn.Flatten(), nn.Linear(size * size, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    return generator, discriminator


def check_loop(train_fn, name: str, hidden: bool) -> None:
    """The contract of a lesson's training loop, on networks small enough to run in a fraction of a second."""
    if not callable(train_fn):
        raise fail(name, f"expected the function {name}, got {type(train_fn).__name__}", f"define {name}")
    check_own_pieces(train_fn, name)
    steps, batch_size, latent_dim, size = (5, 4, 3, 3) if hidden else (6, 8, 4, 4)
    generator, discriminator = _small_gan(11 if hidden else 7, latent_dim, size)
    x_train = torch.rand(32, 1, size, size, generator=torch.Generator().manual_seed(3)) * 2 - 1  # (32, 1, s, s)
    x_copy = x_train.clone()
    g_before = [p.detach().clone() for p in generator.parameters()]
    d_before = [p.detach().clone() for p in discriminator.parameters()]
    recorder = _Recorder()
    noise: list[torch.Tensor] = []  # every z the loop feeds the generator
    generator.register_forward_pre_hook(lambda module, args: noise.append(args[0].detach().clone()))
    try:
        train_fn(
            generator, discriminator, x_train, steps, batch_size=batch_size, latent_dim=latent_dim, progress=recorder
        )
    except NotImplementedError:
        raise
    except Exception as err:  # the learner's loop, steps or losses failed on small networks: say so, with the error
        if "backward through the graph a second time" in str(err):
            raise fail(
                name,
                "the second backward failed ('backward through the graph a second time'): d_step trains D on "
                "x_fake without .detach(), so its backward frees the generator's graph that g_step needs",
                "in d_step, call the discriminator on x_fake.detach()",
            ) from None
        raise fail(
            name,
            f"it raised {type(err).__name__}: {err}",
            f"{name}(generator, discriminator, x_train, steps, batch_size=..., latent_dim=..., progress=...) must "
            "work for any networks and sizes (no hard-coded 100, 64 or 28); if the error comes from d_step or "
            "g_step, fix those first",
        ) from None
    expect = _expect(name)
    expect(
        torch.equal(x_train, x_copy), "x_train was changed in place", "take batches by indexing; never modify the data"
    )
    called = [c[0] for c in recorder.calls]
    expect(
        called == list(range(1, steps + 1)),
        f"with steps={steps}, progress.update was called with the steps {called}",
        f"call progress.update once per step, counting from 1 (1, 2, ..., {steps}), for exactly `steps` steps",
    )
    for step, loss_d, loss_g, x_real, x_fake in recorder.calls:
        expect(
            tuple(x_real.shape) == (batch_size, 1, size, size) and tuple(x_fake.shape) == tuple(x_real.shape),
            f"at step {step} x_real has shape {tuple(x_real.shape)} and x_fake {tuple(x_fake.shape)}",
            f"draw batch_size real images and as many fakes: ({batch_size}, 1, {size}, {size}) for both",
        )
        rows = (x_real.flatten(1)[:, None, :] == x_train.flatten(1)[None, :, :]).all(-1).any(1)  # (batch,)
        expect(bool(rows.all()), f"at step {step} x_real holds images that are not rows of x_train", "index x_train")
        expect(
            bool(torch.isfinite(torch.tensor([loss_d, loss_g])).all()),
            f"at step {step} loss_d = {loss_d}, loss_g = {loss_g}",
            "return the finite losses of d_step and g_step",
        )
    expect(
        not all(torch.equal(a, b.detach()) for a, b in zip(g_before, generator.parameters())),
        "the generator's weights never changed",
        "build opt_g on generator.parameters() and call your g_step every step",
    )
    expect(
        not all(torch.equal(a, b.detach()) for a, b in zip(d_before, discriminator.parameters())),
        "the discriminator's weights never changed",
        "build opt_d on discriminator.parameters() and call your d_step every step",
    )
    batches = torch.stack([c[3] for c in recorder.calls])  # (steps, batch, 1, s, s)
    expect(
        not all(torch.equal(batches[0], b) for b in batches[1:]),
        "it trained on the same batch at every step",
        "draw new random indices into x_train at every step",
    )
    expect(
        len(noise) >= 2 and not all(torch.equal(noise[0], z) for z in noise[1:]),
        "the generator got the same z every step",
        "draw a new z at every step, inside the loop",
    )


def _expect(name: str):
    def expect(condition: bool, mistake: str, fix: str) -> None:
        if not condition:
            raise fail(name, mistake, fix)

    return expect


@dataclass(frozen=True)
class LessonRun:
    """A lesson's training run as its run cell makes it, and as the calibration measured it."""

    loop: str  # the learner's training loop
    networks: tuple[str, str]  # the learner's generator and discriminator classes, built with their defaults
    image_size: int  # of the shipped sample's 4,000 training digits
    steps: int
    batch_size: int
    init: str = ""  # the learner's initialisation, applied to both networks ("": none)
    latent_dim: int = 100
    seed: int = 0  # the run cell's seed (torch.manual_seed(0)), calibrated seed 0


RUNS = {
    "03_training_step": LessonRun("train_gan", ("MLPGenerator", "MLPDiscriminator"), 28, 1500, 64),
    "04_conv_gan_64": LessonRun(
        "train_conv64", ("Conv64Generator", "Conv64Discriminator"), 64, 800, 32, init="init_weights"
    ),
}


class _Quiet:
    """Stands in for ``gan_lab.live.LiveProgress`` in the check's run: nothing drawn, nothing kept."""

    def update(self, step, loss_d, loss_g, x_real, x_fake) -> None:
        pass


def train_lesson_run(train_fn, lesson: str, seed: int | None = None, device: str = "cpu") -> nn.Module:
    """The lesson's run with ``train_fn`` and the networks of its notebook, from ``seed`` (default: the run
    cell's): the shipped sample, then the seed, the generator, the discriminator, their initialisation and the
    loop, in the run cell's order. Returns the trained generator; the caller's random state is left as it was."""
    run = RUNS[lesson]
    namespace = loop_namespace(train_fn, run.loop, run.loop)
    for name in (*run.networks, *([run.init] if run.init else [])):
        if not callable(namespace.get(name)):
            raise fail(
                run.loop, f"`{name}` is not defined in your notebook: the lesson's run needs it", f"define {name}"
            )
    x_train = load_dataset("sample", image_size=run.image_size, device=device).images  # (4000, 1, s, s) in [-1, 1]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(run.seed if seed is None else seed)
        generator, discriminator = (namespace[name]().to(device) for name in run.networks)
        if run.init:
            namespace[run.init](generator)
            namespace[run.init](discriminator)
        train_fn(
            generator, discriminator, x_train, run.steps, batch_size=run.batch_size, latent_dim=run.latent_dim,
            progress=_Quiet(),
        )  # fmt: skip
    return generator


def check_learns(train_fn, lesson: str) -> dict:
    """The lesson's run with the learner's loop and pieces, from the run cell's seed: its generator must reach the bar."""
    run, bar = RUNS[lesson], BARS[lesson]
    audit(train_fn, run.loop, run.loop)  # the pieces first: a broken piece fails before minutes of training
    init = loop_namespace(train_fn, run.loop, run.loop).get(run.init)
    if run.init and str(getattr(init, "__module__", "")).split(".")[0] in REFERENCE_MODULES:
        raise fail(run.loop, f"write your own: `{run.init}` is {init.__module__}.{run.init}", f"define your {run.init}")
    try:
        generator = train_lesson_run(train_fn, lesson)
    except (AssertionError, NotImplementedError):
        raise
    except Exception as err:  # the loop ran on small networks; on the lesson's networks and data it failed
        raise fail(
            run.loop,
            f"trained with the lesson's run ({bar.budget}), it raised {type(err).__name__}: {str(err).strip()[:200]}",
            "run your notebook's training cell from the top and fix the error it shows",
        ) from None
    causes = (
        f"The grader trained this generator from scratch with your {run.loop}, your networks and pieces, with the "
        f"lesson's run cell's settings and seed ({run.seed}). Your pieces pass their checks, so look at the loop: "
        "its optimizers (Adam, the lesson's lr and betas, one per network) and how it draws batches and z. Fix: "
        "compare your loop with the steps listed in the exercise, one line at a time"
    )
    return judge(generator, bar, run.latent_dim, causes)


def check_train_gan(train_gan, hidden: bool = False) -> None:
    """Lesson 3's loop: the contract on small networks; the hidden cases also train the lesson's run with it."""
    check_loop(train_gan, "train_gan", hidden)
    if hidden:
        check_learns(train_gan, "03_training_step")


def check_train_conv64(train_conv64, hidden: bool = False) -> None:
    """Lesson 4's loop (the same contract as lesson 3's); the hidden cases also train the lesson's run with it."""
    check_loop(train_conv64, "train_conv64", hidden)
    if hidden:
        check_learns(train_conv64, "04_conv_gan_64")


def check_train_dcgan(train_dcgan, hidden: bool = False) -> None:
    """Lesson 5's loop (the same contract; on a GPU it must create z on x_train's device). Its run needs a GPU
    and its bar is not calibrated: the grader checks the contract only."""
    check_loop(train_dcgan, "train_dcgan", hidden)


CHECKS = {"train_gan": check_train_gan, "train_conv64": check_train_conv64, "train_dcgan": check_train_dcgan}
