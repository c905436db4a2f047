r"""Checks of lesson 9, conditional GANs: the training loop, with its labels, then the "it learned" run.

References:
- Mirza & Osindero 2014, "Conditional Generative Adversarial Nets", equation 2: the game of Goodfellow et al.
  on pairs, $\mathbb{E}_{(x, y)}[\log D(x, y)] + \mathbb{E}_{z, y}[\log(1 - D(G(z, y), y))]$: every real image
  is judged with its own label, every fake with the label it was drawn for, and those labels follow the
  data's class distribution $p(y)$.

The loop is checked on tiny networks that record every call: which rows of ``x_train`` (and which fakes) the
discriminator sees, with which labels, whether the D step's backward reaches the generator, and the order of
the optimizer steps. Fake labels may be sampled (``torch.randint``) or taken from the real batch (both are
draws from $p(y)$ on the balanced sample; gan_lab's trainer does the latter); what is wrong is a pair whose
label is not the image's. Then (visible cases) ``learned_cgan`` trains the learner's own networks with the
loop on the sample and scores the generator.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.optimizer import register_optimizer_step_post_hook

from gan_lab.checks._guard import fail
from gan_lab.checks.learned_cgan import EXERCISE, check_learns, pieces, run_loop


def _key(row: torch.Tensor) -> bytes:
    return row.detach().float().contiguous().numpy().tobytes()


class _TinyGenerator(nn.Module):
    """z and a one-hot label -> (N, 1, s, s); logs (z, labels, images) of every call."""

    def __init__(self, latent_dim: int, num_classes: int, size: int, log: list) -> None:
        super().__init__()
        self.num_classes, self.size, self.log = num_classes, size, log
        self.net = nn.Linear(latent_dim + num_classes, size * size)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        _expect_labels(labels, z.shape[0], self.num_classes, "the generator")
        y = F.one_hot(labels, self.num_classes).to(z.dtype)
        x_fake = torch.tanh(self.net(torch.cat([z, y], 1))).view(-1, 1, self.size, self.size)
        self.log.append(("G", z.detach().clone(), labels.detach().clone(), x_fake.detach().clone()))
        return x_fake


class _TinyDiscriminator(nn.Module):
    """A small projection discriminator; logs (images, labels, whether the images carry a graph) of every call."""

    def __init__(self, num_classes: int, size: int, log: list) -> None:
        super().__init__()
        self.num_classes, self.log = num_classes, log
        self.phi = nn.Sequential(nn.Flatten(), nn.Linear(size * size, 8), nn.LeakyReLU(0.2))
        self.psi, self.embed = nn.Linear(8, 1), nn.Embedding(num_classes, 8)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if labels is None:
            raise fail(
                EXERCISE,
                "the discriminator was called without labels: D(x) cannot tell a good 3 drawn for the label 7 from a "
                "real 7",
                "score real digits with discriminator(x_real, labels_real) and fakes with discriminator(x_fake, "
                "labels_fake)",
            )
        _expect_labels(labels, x.shape[0], self.num_classes, "the discriminator")
        self.log.append(("D", x.detach().clone(), labels.detach().clone(), x.requires_grad))
        h = self.phi(x)
        return self.psi(h) + (self.embed(labels) * h).sum(1, keepdim=True)


def _expect_labels(labels, n: int, num_classes: int, who: str) -> None:
    if not isinstance(labels, torch.Tensor) or labels.dtype != torch.long or tuple(labels.shape) != (n,):
        shown = f"{labels.dtype} {tuple(labels.shape)}" if isinstance(labels, torch.Tensor) else type(labels).__name__
        raise fail(
            EXERCISE,
            f"{who} got labels {shown}; expected class indices, int64 of shape ({n},), one per image (not one-hot, "
            "not one label for the batch)",
            "draw labels_fake = torch.randint(num_classes, (batch_size,)) and take labels_real = y_train[idx]",
        )
    if bool((labels < 0).any()) or bool((labels >= num_classes).any()):
        raise fail(EXERCISE, f"{who} got labels outside 0..{num_classes - 1}", "torch.randint(num_classes, (n,))")


class _Recorder:
    """Stands in for ``gan_lab.live.LiveProgress``: records the steps it is told about."""

    def __init__(self) -> None:
        self.steps: list[int] = []

    def update(self, step, loss_d, loss_g, x_real, x_fake, labels_real=None, labels_fake=None) -> None:
        self.steps.append(step)


def _steps_of(events: list) -> list[list]:
    """The events split at each generator optimizer step: one list per training step."""
    steps, current = [], []
    for event in events:
        current.append(event)
        if event[0] == "opt" and event[1] == "G":
            steps.append(current)
            current = []
    return steps


def _judge_step(step: int, events: list, rows: dict, y_train: torch.Tensor, batch_size: int) -> None:
    made = {}  # row of a fake -> the label it was drawn for
    for e in events:
        if e[0] == "G":
            made.update({_key(r): int(y) for r, y in zip(e[3], e[2])})
            if len(e[2]) >= 8 and bool((e[2] == e[2][0]).all()):
                raise fail(
                    EXERCISE,
                    f"at step {step} every fake was drawn for the same label ({int(e[2][0])})",
                    "draw one label per fake: labels_fake = torch.randint(num_classes, (batch_size,))",
                )
    d_opt = next((i for i, e in enumerate(events) if e[:2] == ("opt", "D")), None)
    if d_opt is None or any(e[:2] == ("opt", "G") for e in events[:d_opt]):
        raise fail(EXERCISE, f"step {step}: the D step did not come before the G step", "first the D step, then G's")
    if any(e[0] == "G-grad" for e in events[:d_opt]):
        raise fail(
            EXERCISE,
            "the D step's backward reached the generator: x_fake was not detached before the discriminator scored it",
            "score discriminator(x_fake.detach(), labels_fake) in the D step",
        )
    real = fake = 0
    for e in (e for e in events[:d_opt] if e[0] == "D"):
        for x, y in zip(e[1], e[2]):
            k = _key(x)
            if k in rows:
                real += 1
                if int(y) != int(y_train[rows[k]]):
                    raise fail(
                        EXERCISE,
                        f"at step {step} the D step scored real digits with labels that are not their own (e.g. the "
                        "fake labels, or labels drawn anew)",
                        "take the labels of the same rows: idx = torch.randint(len(x_train), (batch_size,)); "
                        "x_real, labels_real = x_train[idx], y_train[idx]",
                    )
            elif k in made:
                fake += 1
                if int(y) != made[k]:
                    raise fail(
                        EXERCISE,
                        f"at step {step} the D step scored the fakes with other labels than the generator drew them "
                        "for: D learns nothing about whether an image matches its label",
                        "score discriminator(x_fake.detach(), labels_fake) with the labels given to the generator",
                    )
    if real != batch_size or fake != batch_size:
        raise fail(
            EXERCISE,
            f"at step {step} the D step scored {real} real digits (rows of x_train) and {fake} fakes, expected "
            f"{batch_size} of each",
            "score batch_size real rows of x_train and batch_size fresh fakes in every D step",
        )
    scored = [e for e in events[d_opt:] if e[0] == "D" and e[3]]  # D calls of the G step, on images with a graph
    if not scored:
        raise fail(
            EXERCISE,
            f"at step {step} the G step never scored fakes that carry the generator's graph (x_fake detached?)",
            "loss_g from discriminator(x_fake, labels_fake), without .detach()",
        )
    for e in scored:
        if any(_key(x) in made and int(y) != made[_key(x)] for x, y in zip(e[1], e[2])):
            raise fail(
                EXERCISE,
                f"at step {step} the G step scored the fakes with other labels than they were made with: the "
                "generator is rewarded for drawing some other digit",
                "pass the same labels_fake to the generator and to the discriminator in the G step",
            )


def _check_contract(train_fn, hidden: bool) -> None:
    steps, batch_size, latent_dim, num_classes, size = (6, 8, 3, 5, 3) if hidden else (6, 8, 4, 4, 4)
    g = torch.Generator().manual_seed(7 if hidden else 3)
    x_train = torch.rand(48, 1, size, size, generator=g) * 2 - 1  # distinct rows: a row tells which example it is
    y_train = torch.arange(48) % num_classes
    x_copy, y_copy = x_train.clone(), y_train.clone()
    rows = {_key(r): i for i, r in enumerate(x_train)}
    events: list = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(11)
        generator = _TinyGenerator(latent_dim, num_classes, size, events)
        discriminator = _TinyDiscriminator(num_classes, size, events)
        first = next(generator.parameters())
        first.register_post_accumulate_grad_hook(lambda p: events.append(("G-grad",)))
        g_before = [p.detach().clone() for p in generator.parameters()]
        recorder = _Recorder()
        owner = {id(p): "G" for p in generator.parameters()} | {id(p): "D" for p in discriminator.parameters()}

        def opt_step(optimizer, args, kwargs) -> None:  # the optimizer steps, in order among the calls
            params = [p for group in optimizer.param_groups for p in group["params"]]
            events.append(("opt", owner.get(id(params[0]), "?") if params else "?"))

        handle = register_optimizer_step_post_hook(opt_step)
        torch.manual_seed(5)
        try:
            history, order = run_loop(
                train_fn, generator, discriminator, x_train, y_train, steps, batch_size=batch_size,
                latent_dim=latent_dim, num_classes=num_classes, progress=recorder,
            )  # fmt: skip
        finally:
            handle.remove()
    if not (torch.equal(x_train, x_copy) and torch.equal(y_train, y_copy)):
        raise fail(EXERCISE, "x_train or y_train was changed in place", "take batches by indexing; never modify them")
    if "?" in order:
        raise fail(EXERCISE, "one optimizer holds both networks' parameters", "one Adam per network: opt_d, opt_g")
    if order != ["D", "G"] * steps:
        raise fail(
            EXERCISE,
            f"with steps={steps} the optimizers stepped in the order {''.join(order[:8])}... ({order.count('D')} D "
            f"and {order.count('G')} G steps), expected DGDG... (one D step, then one G step, per step)",
            "per step: the D step (opt_d.step()), then the G step (opt_g.step())",
        )
    for step, chunk in enumerate(_steps_of(events), 1):
        _judge_step(step, chunk, rows, y_train, batch_size)
    fake_labels = torch.cat([e[2] for e in events if e[0] == "G"])
    if len(set(fake_labels.tolist())) < num_classes:
        raise fail(
            EXERCISE,
            f"over {steps} steps the fakes were drawn for the classes {sorted(set(fake_labels.tolist()))} only, of "
            f"0..{num_classes - 1}",
            "draw labels_fake = torch.randint(num_classes, (batch_size,)): every class, in the data's proportions",
        )
    zs = [e[1] for e in events if e[0] == "G"]
    if len(zs) < 2 or all(torch.equal(zs[0], z) for z in zs[1:]):
        raise fail(EXERCISE, "the generator got the same z at every step", "draw a new z at every step")
    if all(torch.equal(a, b.detach()) for a, b in zip(g_before, generator.parameters())):
        raise fail(EXERCISE, "the generator's weights never changed", "build opt_g on generator.parameters()")
    if recorder.steps != list(range(1, steps + 1)):
        raise fail(
            EXERCISE,
            f"with steps={steps}, progress.update was called with the steps {recorder.steps}",
            "if progress is given, call progress.update(step, loss_d, loss_g, x_real, x_fake, labels_real, "
            "labels_fake) once per step, counting from 1",
        )
    ok = isinstance(history, (list, tuple)) and len(history) == steps
    if not ok or not all(torch.isfinite(torch.tensor([float(a), float(b)])).all() for a, b in history):
        raise fail(EXERCISE, f"it returned {type(history).__name__}", "return [(loss_d, loss_g), ...], one per step")


def check_train_cgan(train_cgan, hidden: bool = False) -> None:
    """The loop's contract on tiny networks; then (visible cases) the lesson's run draws the requested digits."""
    if not callable(train_cgan):
        raise fail(EXERCISE, f"expected the function {EXERCISE}, got {type(train_cgan).__name__}", f"define {EXERCISE}")
    pieces(train_cgan)
    _check_contract(train_cgan, hidden)
    if not hidden:  # the run takes a while: once per grading is enough, its seed is fixed
        check_learns(train_cgan)


CHECKS = {EXERCISE: check_train_cgan}
