"""The objectives wired into ``gan-lab train``: the default path bit for bit as before, ``--n-critic`` counted in
optimizer steps and exact on resume, every loss and regulariser through the command, and the bad combinations
as one-line errors before any step."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from gan_lab import losses
from gan_lab.augment import diff_augment, parse_policy
from gan_lab.checkpoint import TrainState, load_checkpoint, load_run
from gan_lab.cli import main
from gan_lab.config import TrainConfig
from gan_lab.data import labelled_batches, load_dataset
from gan_lab.ema import ema_update
from gan_lab.regularizers import has_spectral_norm
from gan_lab.train import train, train_one_epoch

# 2 steps of 64 on the shipped sample, one thread on the CPU
TINY = {"model": "mlp", "dataset": "sample", "max_samples": 128, "batch_size": 64, "device": "cpu", "num_threads": 1}


# --- the loop as it was before the objectives (a verbatim copy of its maths): the trusted reference --------------
def old_d_step(discriminator, opt_d, x_real, x_fake, real_label):
    opt_d.zero_grad(set_to_none=True)
    logits_real = discriminator(x_real)
    logits_fake = discriminator(x_fake.detach())
    loss_d = losses.discriminator_loss(logits_real.float(), logits_fake.float(), real_label)
    loss_d.backward()
    opt_d.step()
    return loss_d.detach()


def old_g_step(discriminator, opt_g, x_fake, loss):
    opt_g.zero_grad(set_to_none=True)
    discriminator.requires_grad_(False)
    loss_g = losses.generator_loss(discriminator(x_fake).float(), loss)
    loss_g.backward()
    discriminator.requires_grad_(True)
    opt_g.step()
    return loss_g.detach()


def old_epoch(state: TrainState, images: torch.Tensor) -> list[tuple[float, float]]:
    cfg, policy = state.config, parse_policy(state.config.augment)
    state.generator.train()
    state.discriminator.train()
    rows = []
    for x_real, _ in labelled_batches(images, None, cfg.batch_size, state.batch_rng):
        x_fake = state.generator(torch.randn(x_real.shape[0], cfg.latent_dim))
        x_real_d, x_fake_d = diff_augment(x_real, policy), diff_augment(x_fake, policy)
        if cfg.simultaneous:  # G through D as it was before this step's D update
            loss_g = old_g_step(state.discriminator, state.opt_g, diff_augment(x_fake, policy), cfg.loss)
        loss_d = old_d_step(state.discriminator, state.opt_d, x_real_d, x_fake_d, cfg.real_label)
        if not cfg.simultaneous:
            loss_g = old_g_step(state.discriminator, state.opt_g, diff_augment(x_fake, policy), cfg.loss)
        if state.generator_ema is not None:  # the warm-up written out: t = the updates before this one (fresh run)
            t = len(rows)
            ema_update(state.generator_ema, state.generator, min(cfg.ema, (1 + t) / (10 + t)))
        rows.append((loss_d.item(), loss_g.item()))
    return rows


def fresh_state(cfg: TrainConfig) -> tuple[TrainState, torch.Tensor]:
    cfg = cfg.resolved()
    device = cfg.setup()  # seeds: both states start from the same weights
    images = load_dataset(cfg.dataset, cfg.image_size, cfg.data_dir, device, "train", cfg.max_samples).images
    return TrainState.create(cfg, images.shape[1], device), images


def tensors(state: TrainState) -> dict[str, torch.Tensor]:
    nets = {"G": state.generator, "D": state.discriminator, "EMA": state.generator_ema}
    out = {f"{n}.{k}": v for n, m in nets.items() if m is not None for k, v in m.state_dict().items()}
    for name, opt in (("opt_g", state.opt_g), ("opt_d", state.opt_d)):
        for i, s in opt.state_dict()["state"].items():
            out |= {f"{name}.{i}.{k}": v for k, v in s.items()}
    return out


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"ema": 0.0, "real_label": 1.0},
        {"loss": "saturating"},
        {"real_label": 0.9, "augment": "translation,cutout", "ema": 0.999, "lr_d": 4e-4},
        {"simultaneous": True, "ema": 0.999},
    ],
    ids=["defaults", "tutorial-recipe", "saturating", "stabilisers", "simultaneous"],
)
def test_the_default_objective_trains_bit_for_bit_as_the_loop_before_it(options: dict) -> None:
    cfg = TrainConfig(**TINY, seed=3, **options)
    state, images = fresh_state(cfg)
    stats = train_one_epoch(state, images)
    reference, images = fresh_state(cfg)
    rows = old_epoch(reference, images)
    new, old = tensors(state), tensors(reference)
    assert new.keys() == old.keys() and len(new) > 10
    assert all(torch.equal(new[k], old[k]) for k in new), [k for k in new if not torch.equal(new[k], old[k])]
    assert stats[:, :2].tolist() == [list(r) for r in rows]  # the logged losses too, to the last bit
    assert state.d_steps == 2


def adam_steps(opt: torch.optim.Optimizer) -> int:
    """Updates an Adam optimizer has made (its own per-parameter count, equal for every parameter)."""
    counts = {int(s["step"]) for s in opt.state.values()}
    assert len(counts) == 1
    return counts.pop()


def test_n_critic_takes_k_discriminator_steps_per_generator_step_across_epochs() -> None:
    # 7 steps per epoch, 2 epochs: D steps 0..13, G after D steps 0, 5, 10 (the rhythm runs on over the epoch's end)
    cfg = TrainConfig(**{**TINY, "max_samples": 7 * 64}, loss="wgan-gp", n_critic=5, seed=1)
    state, images = fresh_state(cfg)
    ticks = {"d": 0, "g": 0}
    state.opt_d.register_step_post_hook(lambda *_: ticks.__setitem__("d", ticks["d"] + 1))
    state.opt_g.register_step_post_hook(lambda *_: ticks.__setitem__("g", ticks["g"] + 1))
    first = train_one_epoch(state, images)
    assert ticks == {"d": 7, "g": 2}
    second = train_one_epoch(state, images)
    assert ticks == {"d": 14, "g": 3} and state.d_steps == 14
    assert adam_steps(state.opt_d) == 14 and adam_steps(state.opt_g) == 3
    loss_g = torch.cat([first, second])[:, 1]
    # a step without a G step logs the last G step's loss: constant between G steps, new at each
    assert all(loss_g[i] == loss_g[i - 1] for i in range(1, 14) if i % 5 != 0)
    assert all(loss_g[i] != loss_g[i - 1] for i in (5, 10))


@pytest.mark.parametrize(
    "extra", [["--loss", "wgan-gp", "--n-critic", "5", "--spectral-norm"], ["--loss", "wgan", "--n-critic", "3"]]
)
def test_resume_keeps_the_n_critic_rhythm_and_is_exact(extra: list[str], tmp_path: Path) -> None:
    # 7 steps per epoch: the cut after epoch 1 falls inside a period of n_critic D steps
    args = ["train", "--model", "mlp", "--dataset", "sample", "--max-samples", str(7 * 64), "--batch-size", "64"]
    args += ["--device", "cpu", "--num-threads", "1", "--seed", "2", "--n-fixed", "4", *extra]
    assert main([*args, "--epochs", "3", "--out", str(tmp_path / "full")]) == 0
    assert main([*args, "--epochs", "1", "--out", str(tmp_path / "cut")]) == 0
    resume = ["train", "--resume", "--epochs", "3", "--out", str(tmp_path / "cut"), "--device", "cpu"]
    assert main([*resume, "--num-threads", "1"]) == 0
    a, b = load_checkpoint(tmp_path / "full" / "checkpoint.pt"), load_checkpoint(tmp_path / "cut" / "checkpoint.pt")
    assert a["d_steps"] == b["d_steps"] == 21 and torch.equal(a["loss_g"], b["loss_g"])
    for net in ("generator", "discriminator", "opt_g", "opt_d"):
        flat_a, flat_b = flatten(a[net]), flatten(b[net])
        assert flat_a.keys() == flat_b.keys()
        assert all(torch.equal(flat_a[k], flat_b[k]) for k in flat_a), f"{net} differs after resume"
    assert (tmp_path / "full" / "losses.csv").read_text() == (tmp_path / "cut" / "losses.csv").read_text()


def flatten(tree: object, prefix: str = "") -> dict[str, torch.Tensor]:
    if isinstance(tree, dict):
        return {k: v for key, sub in tree.items() for k, v in flatten(sub, f"{prefix}.{key}").items()}
    return {prefix: tree} if isinstance(tree, torch.Tensor) else {}


# --- every loss and regulariser through the command: one batch on the CPU --------------------------------------
COMBINATIONS = [
    ["--loss", "non-saturating"],
    ["--loss", "saturating"],
    ["--loss", "lsgan"],
    ["--loss", "hinge"],
    ["--loss", "wgan", "--n-critic", "5"],
    ["--loss", "wgan", "--clip", "0.05", "--lr-d", "5e-5"],
    ["--loss", "wgan-gp", "--n-critic", "5", "--beta1", "0", "--beta2", "0.9"],
    ["--loss", "wgan-gp", "--gp-weight", "1", "--spectral-norm"],
    ["--loss", "hinge", "--spectral-norm", "--lr-d", "4e-4"],
    ["--loss", "non-saturating", "--spectral-norm", "--real-label", "0.9"],
    ["--loss", "lsgan", "--model", "dcgan28", "--n-critic", "2"],
    ["--loss", "hinge", "--model", "cgan", "--spectral-norm"],
    ["--loss", "wgan-gp", "--model", "mlp", "--joint-d-pass", "--augment", "translation"],
]


@pytest.mark.parametrize("extra", COMBINATIONS, ids=lambda e: " ".join(e))
def test_each_objective_trains_one_batch_through_the_command(extra: list[str], tmp_path: Path) -> None:
    model = extra[extra.index("--model") + 1] if "--model" in extra else "mlp"
    args = ["train", "--dataset", "sample", "--max-samples", "64", "--batch-size", "64", "--epochs", "1"]
    args += ["--device", "cpu", "--num-threads", "1", "--n-fixed", "4", "--out", str(tmp_path / "run"), *extra]
    assert main(args if "--model" in extra else [*args, "--model", model]) == 0
    run = load_run(tmp_path / "run" / "checkpoint.pt")
    loss = extra[extra.index("--loss") + 1]
    assert run.config.loss == loss and run.config.spectral_norm == ("--spectral-norm" in extra)
    assert has_spectral_norm(run.discriminator) == ("--spectral-norm" in extra)
    assert run.config.clip == (
        float(extra[extra.index("--clip") + 1]) if "--clip" in extra else 0.01 * (loss == "wgan")
    )
    assert run.config.gp_weight == (1.0 if "--gp-weight" in extra else 10.0 * (loss == "wgan-gp"))
    if loss == "wgan":  # clipped after the step: every weight of the critic in [-c, c], and some at the bound
        largest = max(p.abs().max() for p in run.discriminator.parameters())
        assert largest == torch.tensor(run.config.clip, dtype=largest.dtype)
    assert load_checkpoint(tmp_path / "run" / "checkpoint.pt")["d_steps"] == 1


BAD = [
    (["--loss", "wgan-gp", "--model", "cgan"], "BatchNorm"),
    (["--loss", "wgan-gp", "--model", "dcgan"], "BatchNorm"),
    (["--loss", "hinge", "--clip", "0.01"], "--clip belongs to --loss wgan"),
    (["--gp-weight", "10"], "--gp-weight belongs to --loss wgan-gp"),
    (["--loss", "wgan-gp", "--clip", "0.01"], "--clip belongs to --loss wgan"),
    (["--n-critic", "0"], "--n-critic must be at least 1"),
    (["--loss", "wgan", "--spectral-norm"], "choose one Lipschitz constraint"),
    (["--loss", "wgan", "--clip", "-0.1"], "--clip > 0"),
    (["--loss", "wgan-gp", "--gp-weight", "-1"], "positive --gp-weight"),
    (["--loss", "lsgan", "--real-label", "0.9"], "--real-label"),
    (["--loss", "wgan-gp", "--compile"], "--compile"),
    (["--loss", "wasserstein"], "invalid choice"),
]


@pytest.mark.parametrize(("extra", "match"), BAD, ids=lambda e: " ".join(e) if isinstance(e, list) else "")
def test_bad_combinations_are_one_line_errors_before_training(
    extra: list[str], match: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "run"
    args = ["train", "--dataset", "sample", "--max-samples", "64", "--batch-size", "64", "--device", "cpu"]
    try:
        code = main([*args, "--num-threads", "1", "--out", str(out), *extra])
    except SystemExit as exit_:  # argparse's own refusal of an unknown choice
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2 and match in err and err.count("\n") == 1, err
    assert not (out / "checkpoint.pt").exists() and not (out / "losses.csv").exists()


def test_train_accepts_the_objective_as_a_config(tmp_path: Path) -> None:
    """The library entry point takes the same fields: hinge with spectral norm and a faster critic."""
    cfg = TrainConfig(**TINY, epochs=1, n_fixed=4, loss="hinge", spectral_norm=True, lr_d=4e-4, out=str(tmp_path))
    result = train(cfg, progress=False)
    assert has_spectral_norm(result.discriminator) and len(result.rows) == 2
    assert all(torch.isfinite(torch.tensor([r["loss_d"], r["loss_g"]])).all() for r in result.rows)
