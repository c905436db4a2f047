"""The 2-D lab: mixture layouts, the metrics on point sets whose answer is known, a short training run that
must cover the ring, determinism, and the figures (the animation is self-contained HTML with a slider)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch

from gan_lab.lab2d import Lab2dConfig, assign_modes, grid, make_mixture, ring, score_points, train_lab2d
from gan_lab.lab2d.metrics import modes_reached
from gan_lab.runtime import GanLabError


def test_ring_and_grid_layouts() -> None:
    r = ring()
    assert r.n_modes == 8 and r.std == 0.02
    assert torch.allclose(r.centres.norm(dim=1), torch.full((8,), 2.0))
    gaps = (r.centres - r.centres.roll(1, 0)).norm(dim=1)  # neighbours on the circle
    assert torch.allclose(gaps, torch.full((8,), 4 * math.sin(math.pi / 8)), atol=1e-6)
    g = grid()
    assert g.n_modes == 25
    assert sorted({round(v, 6) for v in g.centres.flatten().tolist()}) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    with pytest.raises(GanLabError, match="unknown mixture"):
        make_mixture("spiral")


@pytest.mark.parametrize("mixture", [ring(), grid()])
def test_real_samples_score_as_theory_says(mixture) -> None:
    x = mixture.sample(40000, torch.Generator().manual_seed(0))
    s = score_points(x, mixture)
    assert s.modes_covered == mixture.n_modes
    # |x - mu| / sigma of a 2-D isotropic Gaussian is Rayleigh: P(within 3 sigma) = 1 - exp(-9/2) = 0.98889
    assert s.hq_share == pytest.approx(1 - math.exp(-4.5), abs=0.003)
    assert sum(s.counts) == round(s.hq_share * len(x))
    assert max(s.counts) / min(s.counts) < 1.15  # modes equally weighted


def test_metrics_on_known_point_sets() -> None:
    m = ring()
    c = m.centres
    # 3 modes only, 100 points each at the centre: 3 modes covered, every point high quality
    s = score_points(c[[0, 3, 5]].repeat_interleave(100, 0), m)
    assert (s.modes_covered, s.hq_share) == (3, 1.0)
    assert s.counts == [100, 0, 0, 100, 0, 100, 0, 0]
    # just inside and just outside 3 standard deviations
    unit = torch.tensor([[0.6, 0.8]])
    inside, outside = c[2] + 2.99 * m.std * unit, c[2] + 3.01 * m.std * unit
    assert assign_modes(torch.cat([inside, outside]), m).tolist() == [2, -1]
    # the centre of the ring belongs to no mode
    assert score_points(torch.zeros(50, 2), m).hq_share == 0.0


def test_cover_threshold_is_a_fifth_of_the_fair_share() -> None:
    m = ring()
    n = 800  # fair share 100 per mode: covered from 20 points on
    on_mode_0 = m.centres[0].expand(20, 2)
    on_mode_1 = m.centres[1].expand(19, 2)
    elsewhere = torch.zeros(n - 39, 2)
    s = score_points(torch.cat([on_mode_0, on_mode_1, elsewhere]), m)
    assert s.counts[:2] == [20, 19] and s.modes_covered == 1


def test_modes_reached_counts_nearest_modes_however_far() -> None:
    m = ring()
    # 30 points 0.5 from mode 0 (25 std: high quality nowhere) and 30 at mode 3: 1 covered, 2 reached
    far = m.centres[0] * 0.75
    points = torch.cat([far.expand(30, 2), m.centres[3].expand(30, 2)])
    assert score_points(points, m).modes_covered == 1 and modes_reached(points, m) == 2
    assert modes_reached(m.sample(4000, torch.Generator().manual_seed(0)), m) == 8
    # a fifth of the fair share (60 points: 1.5 each), as for covering: 1 point of 60 reaches nothing
    assert modes_reached(torch.cat([m.centres[5:6], m.centres[0].expand(59, 2)]), m) == 1


FAST = Lab2dConfig(steps=30, batch_size=32, snapshots=3, n_track=16, n_eval=100)


def test_runs_are_deterministic_and_snapshots_have_their_shapes() -> None:
    a, b = train_lab2d(FAST, seeds=(0, 1)), train_lab2d(FAST, seeds=(0, 1))
    assert all(torch.equal(ra.x_fake, rb.x_fake) for ra, rb in zip(a.runs, b.runs)) and a.losses == b.losses
    assert [r.seed for r in a.runs] == [0, 1] and not torch.equal(a.runs[0].x_fake, a.runs[1].x_fake)
    assert [s.step for s in a.runs[1].snapshots] == [0, 10, 20, 30]
    snap = a.runs[1].snapshots[-1]
    assert snap.x_fake.shape == snap.force.shape == (16, 2) and snap.surface.shape == (64, 64)
    assert 0 <= snap.surface.min() and snap.surface.max() <= 1  # D(x) for the cross-entropy loss
    assert [r["seed"] for r in a.summary()] == [0, 1] and "modes_covered" in a.summary()[0]


def test_intermediate_scores_leave_the_training_untouched() -> None:
    plain = train_lab2d(FAST, seeds=(0, 1))
    scored = train_lab2d(replace(FAST, score_at=(10, 30)), seeds=(0, 1))
    assert plain.losses == scored.losses and torch.equal(plain.runs[1].x_fake, scored.runs[1].x_fake)
    assert sorted(scored.runs[1].x_at) == [10, 30] and scored.runs[1].x_at[10].shape == (FAST.n_eval, 2)
    assert not torch.equal(scored.runs[1].x_at[10], scored.runs[1].x_at[30])  # the generator moved
    record = scored.summary()[1]
    assert sorted(record["at"]) == ["10", "30"]
    assert record["at"]["30"]["modes_covered"] == score_points(scored.runs[1].x_at[30], ring()).modes_covered
    assert record["at"]["30"]["modes_reached"] == modes_reached(scored.runs[1].x_at[30], ring())


@pytest.mark.parametrize(
    "kw",
    [dict(loss="wgan-gp", n_critic=2), dict(loss="hinge", spectral_norm=True), dict(loss="wgan"), dict(loss="lsgan")],
)
def test_every_loss_trains_in_the_plane(kw) -> None:
    result = train_lab2d(replace(FAST, **kw), seeds=(0, 1))
    assert all(math.isfinite(d) and math.isfinite(g) for d, g in result.losses)


def test_bad_settings_are_one_line_errors() -> None:
    with pytest.raises(GanLabError, match="choose one"):
        train_lab2d(replace(FAST, loss="wgan", spectral_norm=True))
    with pytest.raises(GanLabError, match="steps"):
        train_lab2d(replace(FAST, steps=0))


def test_figures_and_offline_animation() -> None:
    from gan_lab.lab2d.plots import animate, offline_html, plot_comparison, plot_snapshots

    run = train_lab2d(FAST).runs[0]
    m, real = ring(), ring().sample(200, torch.Generator().manual_seed(0))
    assert len(plot_snapshots(run, m, real, [0, 30]).axes) == 2
    assert len(plot_comparison([run, run], ["a", "b"], m, real).axes) == 2
    html = offline_html(animate(run, m, real, size=2))
    assert 'type="range"' in html  # the step slider
    assert html.count("data:image/png;base64") == len(run.snapshots)  # every frame embedded
    assert "http://" not in html and "https://" not in html  # nothing loaded from the network


def test_ensemble_members_compute_and_learn_as_alone() -> None:
    from gan_lab.lab2d.ensemble import stack_members, unstack
    from gan_lab.lab2d.train import mlp

    torch.manual_seed(0)
    alone = [mlp(2, 1, 8, torch.nn.Tanh).double() for _ in range(3)]
    together = stack_members(alone)
    x = torch.randn(3 * 5, 2, dtype=torch.float64)  # 3 blocks of 5 rows
    out = unstack(together(x), 3)  # (3, 5, 1)
    for i, member in enumerate(alone):
        assert torch.allclose(out[i], member(unstack(x, 3)[i]), rtol=1e-12)
    # 3 times the mean loss: member i receives exactly the gradient of its own mean loss
    (3 * together(x).square().mean()).backward()
    for i, member in enumerate(alone):
        member(unstack(x, 3)[i]).square().mean().backward()
        assert torch.allclose(together[0].weight.grad[i], member[0].weight.grad.t(), rtol=1e-10)
        assert torch.allclose(together[4].bias.grad[i, 0], member[4].bias.grad, rtol=1e-10)


def test_ensemble_spectral_norm_per_member_against_svdvals() -> None:
    from gan_lab.lab2d.ensemble import EnsembleLinear, ensemble_spectral_norm, stack_members
    from gan_lab.lab2d.train import mlp
    from gan_lab.regularizers import has_spectral_norm

    torch.manual_seed(0)
    net = stack_members([mlp(2, 1, 32, torch.nn.ReLU) for _ in range(4)])
    with torch.no_grad():
        net[0].weight[1] *= 7.0  # members of very different scales: each needs its own sigma
    ensemble_spectral_norm(net, n_power_iterations=100)
    assert has_spectral_norm(net)
    for _ in range(3):
        net(torch.randn(4 * 2, 2))
    net.eval()
    for layer in [m for m in net if isinstance(m, EnsembleLinear)]:
        sigmas = torch.linalg.svdvals(layer.weight.detach()).amax(dim=1)  # (S,): largest per member
        assert torch.allclose(sigmas, torch.ones(4), atol=1e-4)
        raw = torch.linalg.svdvals(layer.parametrizations.weight.original.detach()).amax(dim=1)
        assert not torch.allclose(raw, torch.ones(4), atol=1e-2)


def test_a_short_vanilla_run_finds_the_ring() -> None:
    # 600 steps of the default GAN, seed 0: the points have left the origin (|x| about 0.3 at step 0) for the
    # circle of radius 2 and spread around it (at least 6 of the 8 modes are the nearest mode of a fifth of
    # their fair share of points). Landing within 3 std of the modes takes longer: the sweep measures that.
    run = train_lab2d(replace(Lab2dConfig(), steps=600, snapshots=0, n_eval=1000)).runs[0]
    m = ring()
    assert (run.x_fake.norm(dim=1) - 2.0).abs().median() < 0.6
    nearest = torch.cdist(run.x_fake, m.centres).argmin(dim=1)
    assert int((torch.bincount(nearest, minlength=8) >= 0.2 * 1000 / 8).sum()) >= 6


def test_saved_runs_load_as_trained(tmp_path) -> None:
    from gan_lab.lab2d.records import load_runs, save_runs

    result = train_lab2d(replace(FAST, score_at=(10,)), seeds=(0, 1))
    save_runs(tmp_path / "ring-fast.pt", result, keep=50)
    loaded = load_runs(tmp_path / "ring-fast.pt")
    assert [r.seed for r in loaded] == [0, 1] and loaded[1].score == result.runs[1].score
    assert loaded[1].x_fake.shape == (50, 2) and sorted(loaded[1].x_at) == [10]
    # float16: within a thousandth of the trained points, far below the 0.06 radius of a ring mode
    assert torch.allclose(loaded[1].x_fake, result.runs[1].x_fake[:50], atol=2e-3)
    assert [s.step for s in loaded[1].snapshots] == [s.step for s in result.runs[1].snapshots]
    assert loaded[1].snapshots[-1].surface.shape == (32, 32)  # half resolution
    with pytest.raises(GanLabError, match="lab2d_sweep"):
        load_runs(tmp_path / "missing.pt")
