"""The real command line: a one-epoch smoke run of every model, sampling, --help, and bad input."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from gan_lab.checkpoint import load_run
from gan_lab.cli import main
from gan_lab.commands.export import ExportConfig
from gan_lab.commands.sample import SampleConfig
from gan_lab.latent import sample_noise
from gan_lab.train import STAT_KEYS, TrainConfig
from tests.conftest import ROOT, SMOKE, run_cli

# the MLP's (--ema, --real-label): the setting the full-MNIST sweep chose, or the tutorial recipe's if none won
CHOICE = json.loads((ROOT / "book" / "results" / "full_mnist" / "sweep.json").read_text())["choice"]
MLP_EMA_LABEL = (CHOICE["ema"], CHOICE["real_label"]) if CHOICE else (0.0, 1.0)
# the convolutional families' --ema: what their equal-work comparison with the tutorial recipe chose
CONV_SWEEP = ROOT / "book" / "results" / "full_mnist" / "conv" / "sweep.json"
CONV_EMA = {m: f["default_ema"] for m, f in json.loads(CONV_SWEEP.read_text())["families"].items()}


@pytest.mark.parametrize(("model", "size"), [("mlp", 28), ("dcgan28", 28), ("conv64", 64), ("dcgan", 64)])
def test_one_epoch_smoke_run(model: str, size: int, tmp_path: Path) -> None:
    out = tmp_path / model
    result = run_cli("train", "--model", model, *SMOKE, "--n-fixed", "16", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "data: MNIST sample shipped with gan_lab (train split): 256 images" in result.stdout
    assert json.loads((out / "config.json").read_text())["model"] == model
    assert (out / "checkpoint.pt").is_file() and (out / "losses.png").is_file()
    grid = Image.open(out / "samples" / "epoch_001.png")
    assert grid.size == (4 * (size + 2) + 2,) * 2  # 16 images, 4 per row, 2-pixel padding
    rows = list(csv.DictReader((out / "losses.csv").open()))
    assert len(rows) == 4 and list(rows[0]) == ["epoch", "step", *STAT_KEYS]  # 256 / 64 steps
    assert all(np.isfinite(float(r[k])) for r in rows for k in STAT_KEYS)
    assert all(0 <= float(r["d_real"]) <= 1 for r in rows)


def test_sample_command_writes_grid_and_npz(tiny_run: Path, tmp_path: Path) -> None:
    def sample(npz: Path) -> np.ndarray:
        args = f"sample --checkpoint {tiny_run / 'checkpoint.pt'} --n 10 --out {tmp_path / 'grid.png'} --npz {npz} --seed 3"
        result = run_cli(*args.split())
        assert result.returncode == 0, result.stderr
        return np.load(npz)["images"]

    images = sample(tmp_path / "images.npz")
    assert Image.open(tmp_path / "grid.png").size == (4 * 30 + 2, 3 * 30 + 2)
    assert images.shape == (10, 1, 28, 28) and images.dtype == np.float32
    assert images.min() >= 0 and images.max() <= 1
    assert np.array_equal(sample(tmp_path / "again.npz"), images), "same seed, same images"


def test_sample_command_truncation(tiny_run: Path, tmp_path: Path) -> None:
    from gan_lab.latent import sample_noise
    from gan_lab.plots import to_unit

    npz = tmp_path / "truncated.npz"
    args = f"sample --checkpoint {tiny_run / 'checkpoint.pt'} --n 10 --out {tmp_path / 'g.png'} --npz {npz} --truncation 0.5"
    assert main(args.split()) == 0
    run = load_run(tiny_run / "checkpoint.pt")
    with torch.no_grad():
        expected = to_unit(run.sampler(sample_noise(10, run.config.latent_dim, seed=0, truncation=0.5)))
    assert np.allclose(np.load(npz)["images"], expected.numpy(), atol=1e-6), "the images come from truncated z"


@pytest.mark.parametrize(
    ("command", "config"), [("train", TrainConfig), ("sample", SampleConfig), ("export", ExportConfig)]
)
def test_help_lists_every_field(command: str, config: type) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    for f in fields(config):
        assert "--" + f.name.replace("_", "-") in result.stdout
    assert "(default:" in result.stdout


def test_tensorboard_logging(tmp_path: Path) -> None:
    out = tmp_path / "tb"
    result = run_cli("train", "--model", "mlp", *SMOKE, "--out", str(out), "--tensorboard")
    assert result.returncode == 0, result.stderr
    assert any((out / "tensorboard").glob("events.out.tfevents.*"))


def bad(*args: str) -> str:
    result = run_cli(*args)
    assert result.returncode == 2, (result.returncode, result.stderr)
    message = result.stderr.strip()
    assert message and "\n" not in message and "Traceback" not in message, message
    return message


def test_bad_input_unknown_model() -> None:
    assert "invalid choice: 'gpt'" in bad("train", "--model", "gpt")


def test_bad_input_negative_epochs(tmp_path: Path) -> None:
    assert "--epochs must be 0 or more, got -3" in bad("train", "--epochs", "-3", "--out", str(tmp_path / "x"))


def test_bad_input_not_a_number() -> None:
    assert "invalid int value: 'ten'" in bad("train", "--epochs", "ten")


def test_image_size_is_the_models_own_not_an_option(tmp_path: Path) -> None:
    # each architecture produces one size: a flag that could only repeat it is no flag
    assert "unrecognized arguments: --image-size 64" in bad(
        "train", "--model", "conv64", "--image-size", "64", "--out", str(tmp_path)
    )
    assert TrainConfig(model="conv64").image_size == 64 and TrainConfig(model="mlp").image_size == 28


def test_bad_input_missing_checkpoint(tmp_path: Path) -> None:
    assert "no checkpoint at" in bad("sample", "--checkpoint", str(tmp_path / "nope.pt"))
    assert "--checkpoint is required" in bad("sample")


def test_bad_input_corrupt_checkpoint(tiny_run: Path, tmp_path: Path) -> None:
    broken = tmp_path / "checkpoint.pt"
    broken.write_bytes((tiny_run / "checkpoint.pt").read_bytes()[:5000])  # a truncated copy
    assert "not a readable gan_lab checkpoint" in bad("sample", "--checkpoint", str(broken))
    junk = tmp_path / "junk.pt"
    junk.write_text("hello")
    assert "not a readable gan_lab checkpoint" in bad("sample", "--checkpoint", str(junk))


def test_bad_input_resume_without_checkpoint(tmp_path: Path) -> None:
    assert "no checkpoint at" in bad("train", "--resume", "--out", str(tmp_path / "empty"))


def test_existing_run_is_never_overwritten(tiny_run: Path) -> None:
    before = (tiny_run / "checkpoint.pt").read_bytes()
    assert "already holds a run" in bad("train", "--out", str(tiny_run), *SMOKE)
    assert (tiny_run / "checkpoint.pt").read_bytes() == before


def test_bad_input_cuda_without_gpu(tmp_path: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present: --device cuda is valid here")
    assert "no CUDA GPU is visible" in bad("train", *SMOKE, "--device", "cuda", "--out", str(tmp_path / "x"))


def test_ema_generator_is_saved_resumed_and_sampled(tmp_path: Path) -> None:
    import torch

    from gan_lab.checkpoint import load_checkpoint

    first = tmp_path / "ema_first"
    assert run_cli("train", "--model", "mlp", *SMOKE, "--ema", "0.99", "--out", str(first)).returncode == 0
    out = tmp_path / "ema"  # a copied run directory continues where it now lives
    shutil.copytree(first, out)
    resumed = run_cli("train", "--out", str(out), "--resume", "--epochs", "2", "--num-threads", "1", "--device", "cpu")
    assert resumed.returncode == 0, resumed.stderr
    state = load_checkpoint(out / "checkpoint.pt")
    assert state["epoch"] == 2 and set(state["generator_ema"]) == set(state["generator"])
    assert state["config"]["out"] == str(out) == json.loads((out / "config.json").read_text())["out"]
    assert any(not torch.equal(state["generator_ema"][k], state["generator"][k]) for k in state["generator"])
    run = load_run(out / "checkpoint.pt")
    assert all(torch.equal(v, state["generator_ema"][k]) for k, v in run.sampler.state_dict().items())
    assert all(torch.equal(v, state["generator"][k]) for k, v in run.generator.state_dict().items())
    assert "--ema must be in [0, 1)" in bad("train", "--ema", "1.5", "--out", str(tmp_path / "x"))
    # gan-lab sample --weights: the average by default, the trained generator with raw, the same z for both
    drawn = {}
    for weights in ("auto", "ema", "raw"):
        npz = tmp_path / f"{weights}.npz"
        args = ("--checkpoint", str(out / "checkpoint.pt"), "--n", "8", "--weights", weights, "--npz", str(npz))
        result = run_cli("sample", *args, "--out", str(tmp_path / f"{weights}.png"))
        assert result.returncode == 0 and f"{'ema' if weights == 'auto' else weights} weights" in result.stdout
        drawn[weights] = np.load(npz)["images"]
    assert np.array_equal(drawn["auto"], drawn["ema"]) and not np.array_equal(drawn["ema"], drawn["raw"])
    with torch.no_grad():
        expected = (run.generator(sample_noise(8, 100, 0)) + 1) / 2  # the trained generator, in [0, 1]
    assert np.allclose(drawn["raw"], expected.numpy(), atol=1e-6)


def test_interrupt_hint_names_the_resolved_run_and_only_for_train(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import dataclasses

    from gan_lab.commands import COMMANDS

    def pressed_ctrl_c(cfg: object) -> None:
        raise KeyboardInterrupt

    for name in ("train", "sample"):
        monkeypatch.setitem(COMMANDS, name, dataclasses.replace(COMMANDS[name], run=pressed_ctrl_c))
    assert main(["train", "--model", "conv64"]) == 130  # the default --out: runs/conv64
    assert f"{Path('runs') / 'conv64' / 'checkpoint.pt'}, continue with --resume" in capsys.readouterr().err
    assert main(["sample", "--checkpoint", "run/checkpoint.pt"]) == 130
    err = capsys.readouterr().err
    assert "gan-lab sample: interrupted" in err and "--resume" not in err


@pytest.mark.parametrize(
    "command",
    [
        ["train"],
        ["sample", "--checkpoint", "x.pt"],
        ["evaluate", "--checkpoint", "x.pt"],
        ["export", "--checkpoint", "x.pt"],
        ["train-classifier"],
    ],
)
def test_shared_options_are_checked_in_one_place(command: list[str], tmp_path: Path) -> None:
    from gan_lab.commands import COMMANDS
    from gan_lab.config import RunOptions

    assert issubclass(COMMANDS[command[0]].config, RunOptions)
    assert "--num-threads must be 0 or more, got -2" in bad(
        *command, "--num-threads", "-2", "--out", str(tmp_path / "o")
    )


def test_each_model_gets_its_own_training_defaults() -> None:
    """dcgan28 keeps TensorFlow's tutorial's batch 256 with Radford et al.'s Adam (2e-4, 0.5), which was
    measured ahead of the tutorial's Keras Adam (1e-4, 0.9) on full MNIST; the others as Radford et al.;
    a value given on the command line always wins, 0 included."""
    got = {m: TrainConfig(model=m).resolved() for m in ("mlp", "dcgan28", "conv64", "dcgan")}
    assert {m: (c.lr, c.beta1, c.batch_size) for m, c in got.items()} == {
        "mlp": (2e-4, 0.5, 64),
        "dcgan28": (2e-4, 0.5, 256),
        "conv64": (2e-4, 0.5, 128),
        "dcgan": (2e-4, 0.5, 128),
    }
    mine = TrainConfig(model="dcgan28", lr=1e-4, beta1=0.0, batch_size=64).resolved()
    assert (mine.lr, mine.beta1, mine.batch_size) == (1e-4, 0.0, 64)


def test_the_mlp_defaults_are_the_sweeps_choice_and_other_families_keep_theirs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The MLP trains with the setting book/results/full_mnist/sweep.json chose, dcgan28, conv64 and dcgan with the
    moving average conv/sweep.json chose, the conditional families without one; an explicit value, 0 included,
    always wins; --help names each model's default."""
    got = {m: TrainConfig(model=m).resolved() for m in ("mlp", "dcgan28", "conv64", "dcgan", "cgan")}
    assert {m: (c.ema, c.real_label) for m, c in got.items()} == {
        "mlp": MLP_EMA_LABEL,
        "dcgan28": (CONV_EMA["dcgan28"], 1.0),
        "conv64": (CONV_EMA["conv64"], 1.0),
        "dcgan": (CONV_EMA["dcgan"], 1.0),
        "cgan": (0.0, 1.0),
    }
    assert TrainConfig(model="mlp", loss="wgan-gp").resolved().ema == MLP_EMA_LABEL[0]  # whatever the loss
    plain = TrainConfig(model="mlp", ema=0.0, real_label=1.0).resolved()
    assert (plain.ema, plain.real_label) == (0.0, 1.0)
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert (
        f"-1: the model's default, mlp {MLP_EMA_LABEL[0]:g}, dcgan28 {CONV_EMA['dcgan28']:g}, conv64 "
        f"{CONV_EMA['conv64']:g}, dcgan {CONV_EMA['dcgan']:g}," in text
    )
