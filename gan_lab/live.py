"""Live view of a GAN training run inside a notebook: samples from fixed noise, the two losses and the
discriminator's mean outputs D(x) and D(G(z)), redrawn in place every few steps (the progress grids of
CS231n's GAN assignment).

Plumbing for the lessons, not an exercise: the learner's training loop calls ``progress.update(...)``
once per step. Recording costs no host-device synchronisation (the statistics stay in a tensor on the
training device); only a redraw, every ``every`` steps, brings them to the CPU. Outside a notebook the
redraw prints one line instead, so the same loop runs in a script or under ``nbconvert``.

A conditional run (``num_classes > 0``; Mirza & Osindero 2014) shows one row per class: row ``d`` asks the
generator for class ``d``, and each column keeps its ``z`` in every row, as ``gan-lab sample`` draws it. Its
loop passes the labels of both batches to ``update``, so that the probes ask D(x, y) about the right classes.
"""

from __future__ import annotations

import io
import time

import torch
from torch import nn

from gan_lab.plots import make_grid, to_unit
from gan_lab.runtime import GanLabError, GanLabTypeError, describe, expect_int, expect_tensor


class LiveProgress:
    """Per-step statistics of a run and their live figure.

    ``update(step, loss_d, loss_g, x_real, x_fake)`` records the step (``step`` counts from 1); every
    ``probe_every`` steps it also measures the mean D(x) and D(G(z)) on the current batches (an extra
    discriminator pass under ``torch.no_grad``), and every ``every`` steps, and at the last, it redraws.
    """

    def __init__(
        self,
        generator: nn.Module,
        discriminator: nn.Module,
        steps: int,
        every: int = 100,
        latent_dim: int = 100,
        n_images: int = 64,
        seed: int = 0,
        num_classes: int = 0,
    ) -> None:
        for name, net in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(net, nn.Module):
                raise GanLabTypeError(f"expected {name} as a network (an nn.Module), got {describe(net)}")
        for name, value in (("steps", steps), ("every", every), ("latent_dim", latent_dim), ("n_images", n_images)):
            expect_int(name, value)
        expect_int("num_classes (0: an unconditional run)", num_classes, minimum=0)
        self.generator, self.discriminator = generator, discriminator
        self.steps, self.every = steps, max(1, every)
        self.probe_every = max(1, self.every // 10)
        # fixed noise from a private generator: the same z at every redraw, the global random state untouched
        self.z = torch.randn(n_images, latent_dim, generator=torch.Generator().manual_seed(seed))
        self.num_classes, self.labels, self.nrow = num_classes, None, 8
        if num_classes:  # one row per class, the same z down each column: (num_classes * columns, latent_dim)
            self.nrow = max(1, n_images // num_classes)
            self.z = self.z[: self.nrow].repeat(num_classes, 1)
            self.labels = torch.arange(num_classes).repeat_interleave(self.nrow)  # 0, 0, ..., 1, 1, ...
        self.stats: torch.Tensor | None = None  # (steps, 4): loss_d, loss_g, D(x), D(G(z)); NaN where not probed
        self.start = time.perf_counter()
        self.start_cpu = time.process_time()
        self.seconds = 0.0  # wall-clock time of the run so far, updated at each redraw
        self.cpu_seconds = 0.0  # CPU time of this process: the run's cost on one thread, however busy the machine
        self._handle = None

    def update(
        self,
        step: int,
        loss_d: torch.Tensor | float,
        loss_g: torch.Tensor | float,
        x_real: torch.Tensor,
        x_fake: torch.Tensor,
        labels_real: torch.Tensor | None = None,
        labels_fake: torch.Tensor | None = None,
    ) -> None:
        """Record step ``step`` (1-based) of the run; redraw every ``every`` steps and at the last step.

        A conditional run passes ``labels_real`` and ``labels_fake`` (N,), the classes of the two batches."""
        if not (isinstance(step, int) and 1 <= step <= self.steps):
            raise GanLabError(f"expected step in 1..{self.steps} (counted from 1), got {step!r}")
        if self.stats is None:
            expect_tensor("x_real", x_real, "(N, C, H, W), the real batch", floating=False)
            self.stats = torch.full((self.steps, 4), float("nan"), device=x_real.device)
            self.start, self.start_cpu = time.perf_counter(), time.process_time()
        if self.num_classes and (labels_real is None or labels_fake is None):
            raise GanLabError(
                "a conditional run's progress needs the labels: update(step, loss_d, loss_g, x_real, x_fake, "
                "labels_real, labels_fake)"
            )
        real = (labels_real,) if self.num_classes else ()
        fake = (labels_fake,) if self.num_classes else ()
        row = self.stats[step - 1]
        row[0], row[1] = _as_tensor(loss_d), _as_tensor(loss_g)
        if step % self.probe_every == 0 or step == self.steps:
            # fork_rng: a probe through a discriminator with dropout must not move the run's random stream,
            # so a run watched live trains exactly as the same run without a progress display
            devices = [x_real.device] if x_real.device.type == "cuda" else []
            with torch.no_grad(), torch.random.fork_rng(devices=devices):
                row[2] = torch.sigmoid(self.discriminator(x_real, *real).float()).mean()
                row[3] = torch.sigmoid(self.discriminator(x_fake.detach(), *fake).float()).mean()
        if step % self.every == 0 or step == self.steps:
            self.seconds = time.perf_counter() - self.start
            self.cpu_seconds = time.process_time() - self.start_cpu
            self.draw(step)

    def samples(self) -> torch.Tensor:
        """The generator's images for the fixed noise, in eval mode (its mode is restored): (n, C, H, W)."""
        device = next(self.generator.parameters()).device
        was_training = self.generator.training
        self.generator.eval()
        with torch.no_grad():
            labels = () if self.labels is None else (self.labels.to(device),)
            images = self.generator(self.z.to(device), *labels).float().cpu()
        self.generator.train(was_training)
        return images

    def draw(self, step: int) -> None:
        """Redraw the figure for ``step`` (or print a line when there is no notebook to draw in)."""
        stats = self.stats[:step].cpu()  # the one host sync of a redraw
        eta = self.seconds / step * (self.steps - step)
        title = f"step {step}/{self.steps}  {self.seconds:.0f} s elapsed, about {eta:.0f} s to go"
        try:
            from IPython import get_ipython
            from IPython.display import Image, display
        except ImportError:  # pragma: no cover - IPython comes with Jupyter
            get_ipython = None
        if get_ipython is None or get_ipython() is None:
            print(f"{title}  loss_d {stats[-1, 0]:.3f}  loss_g {stats[-1, 1]:.3f}", flush=True)
            return
        image = Image(data=self._figure_png(stats, title))
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)

    def _figure_png(self, stats: torch.Tensor, title: str) -> bytes:
        from matplotlib.figure import Figure  # lazily: matplotlib costs about a second to import

        fig = Figure(figsize=(12, 3.6))
        ax_img, ax_loss, ax_prob = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1.3, 1.3]})
        grid = make_grid(to_unit(self.samples()), nrow=self.nrow)  # (C, H', W') in [0, 1]
        ax_img.imshow(grid.permute(1, 2, 0).squeeze(-1).numpy(), cmap="gray", vmin=0, vmax=1)
        ax_img.set_title("one row per class, fixed z" if self.num_classes else "samples from fixed z")
        ax_img.axis("off")
        steps = torch.arange(1, len(stats) + 1)
        for ax, columns, names in (
            (ax_loss, (0, 1), ("loss_d", "loss_g")),
            (ax_prob, (2, 3), ("D(x)", "D(G(z))")),
        ):
            for column, name in zip(columns, names):
                values = stats[:, column]
                keep = ~torch.isnan(values)  # D(x) and D(G(z)) are probed every few steps only
                ax.plot(steps[keep], values[keep], label=name, linewidth=0.9)
            ax.set_xlim(0, self.steps)
            ax.set_xlabel("step")
            ax.grid(alpha=0.3)
            ax.legend(loc="upper right", fontsize=8)
        ax_loss.set_title("losses")
        ax_prob.set_title("mean D(x) and D(G(z))")
        ax_prob.set_ylim(0, 1)
        ax_prob.axhline(0.5, color="gray", linestyle=":", linewidth=1)
        fig.suptitle(title, fontsize=10)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        return buf.getvalue()


def _as_tensor(value: torch.Tensor | float) -> torch.Tensor | float:
    """A loss as the learner's step returned it: a tensor (detached here) or a float."""
    return value.detach().float() if isinstance(value, torch.Tensor) else float(value)
