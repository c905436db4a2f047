"""The live training view of the lessons (``gan_lab.live.LiveProgress``)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from gan_lab.live import LiveProgress
from gan_lab.runtime import GanLabError


def _pair() -> tuple[nn.Module, nn.Module]:
    generator = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Unflatten(1, (1, 4, 4)))
    # dropout: a probe through it draws random numbers, which must not change the run
    discriminator = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(16, 1))
    return generator, discriminator


def _run(steps: int, progress_every: int | None) -> tuple[list[torch.Tensor], LiveProgress | None]:
    torch.manual_seed(0)
    generator, discriminator = _pair()
    opt = torch.optim.SGD([*generator.parameters(), *discriminator.parameters()], lr=0.1)
    progress = (
        LiveProgress(generator, discriminator, steps, every=progress_every, latent_dim=3, n_images=4)
        if progress_every
        else None
    )
    for step in range(1, steps + 1):
        x_real = torch.rand(8, 1, 4, 4) * 2 - 1
        x_fake = generator(torch.randn(8, 3))
        loss = discriminator(x_real).mean() - discriminator(x_fake).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if progress is not None:
            progress.update(step, loss.detach(), -loss.detach(), x_real, x_fake)
    return [p.detach().clone() for p in [*generator.parameters(), *discriminator.parameters()]], progress


def test_watching_a_run_does_not_change_it(capsys) -> None:
    plain, _ = _run(20, None)
    watched, progress = _run(20, 10)
    assert all(torch.equal(a, b) for a, b in zip(plain, watched))
    stats = progress.stats
    assert stats.shape == (20, 4) and torch.isfinite(stats[:, :2]).all()
    probed = ~torch.isnan(stats[:, 2])
    assert probed.tolist() == [(s + 1) % 1 == 0 for s in range(20)]  # every // 10 = 1: probed at every step
    assert ((stats[probed, 2:] >= 0) & (stats[probed, 2:] <= 1)).all()  # mean D(x), D(G(z)) are probabilities
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("step ")]
    assert [line.split()[1] for line in lines] == ["10/20", "20/20"]  # outside a notebook: one line per redraw


def test_probes_every_tenth_of_a_redraw_and_the_figure_renders() -> None:
    _, progress = _run(25, 20)
    probed = (~torch.isnan(progress.stats[:, 2])).nonzero().flatten() + 1
    assert probed.tolist() == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25]  # every 2 steps, and the last
    png = progress._figure_png(progress.stats.cpu(), "title")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert progress.generator.training  # samples are drawn in eval mode, and the mode restored


class _Conditional(nn.Module):
    """G(z, labels) or D(x, labels) on 4x4 images; records the labels of every call."""

    def __init__(self, generator: bool) -> None:
        super().__init__()
        self.generator, self.seen = generator, []
        self.net = nn.Linear(3 + 3, 16) if generator else nn.Linear(16 + 3, 1)

    def forward(self, inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self.seen.append(labels.clone())
        y = nn.functional.one_hot(labels, 3).float()
        if self.generator:
            return torch.tanh(self.net(torch.cat([inputs, y], 1))).view(-1, 1, 4, 4)
        return self.net(torch.cat([inputs.flatten(1), y], 1))


def test_conditional_run_shows_one_row_per_class_and_probes_with_the_labels() -> None:
    generator, discriminator = _Conditional(True), _Conditional(False)
    progress = LiveProgress(generator, discriminator, 2, every=2, latent_dim=3, n_images=10, num_classes=3)
    assert progress.nrow == 3 and progress.labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert torch.equal(progress.z[:3], progress.z[3:6])  # each column keeps its z in every row
    x_real, labels_real, labels_fake = (
        torch.rand(5, 1, 4, 4) * 2 - 1,
        torch.tensor([0, 1, 2, 0, 1]),
        torch.arange(5) % 3,
    )
    with pytest.raises(GanLabError, match="needs the labels"):
        progress.update(1, 0.5, 0.5, x_real, x_real)
    progress.update(1, 0.5, 0.5, x_real, x_real, labels_real, labels_fake)
    assert torch.equal(discriminator.seen[0], labels_real) and torch.equal(discriminator.seen[1], labels_fake)
    assert progress.samples().shape == (9, 1, 4, 4) and torch.equal(generator.seen[-1], progress.labels)
