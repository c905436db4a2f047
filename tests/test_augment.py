"""DiffAugment (gan_lab.augment) and the training flags that use it (--augment, --lr-d)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from gan_lab.augment import cutout, diff_augment, parse_policy, translate
from gan_lab.runtime import GanLabError
from gan_lab.train import TrainConfig
from tests.conftest import SMOKE, run_cli


def digits(n: int = 16, size: int = 28) -> torch.Tensor:
    """Images in [-1, 1] with a distinct bright square per image, background -1."""
    x = torch.full((n, 1, size, size), -1.0)
    for i in range(n):
        x[i, 0, 8 + i % 5 : 14 + i % 5, 9:15] = 1.0
    return x


def test_translate_is_an_integer_shift_with_background_fill() -> None:
    torch.manual_seed(0)
    x = digits()
    y = translate(x)
    assert y.shape == x.shape
    for i in range(x.shape[0]):
        # some shift (dy, dx) within 1/8 of the size (4 pixels at 28) reproduces the output exactly
        matches = [
            (dy, dx)
            for dy in range(-4, 5)
            for dx in range(-4, 5)
            if torch.equal(torch.roll(x[i], (dy, dx), dims=(1, 2)), y[i])
        ]
        assert matches, f"image {i} is not a shift of its input by at most 4 pixels"
    assert set(y.unique().tolist()) <= {-1.0, 1.0}, "translation must fill with the background, not interpolate"
    assert not torch.equal(x, y)


def test_cutout_blanks_one_square_to_zero() -> None:
    torch.manual_seed(1)
    x = torch.ones(32, 1, 28, 28)
    y = cutout(x)
    blanked = (y == 0).sum(dim=(1, 2, 3))
    assert ((y == 0) | (y == 1)).all()
    assert (blanked > 0).all() and (blanked <= 14 * 14).all()  # a 14x14 square, clipped at the border
    assert (blanked == 14 * 14).any()


def test_augmentation_is_differentiable_and_random_per_image() -> None:
    torch.manual_seed(2)
    x = digits(64, 64).requires_grad_(True)
    y = diff_augment(x, "translation,cutout")
    y.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0, "gradients must flow back through the augmentation"
    same = digits(64, 64)
    again = diff_augment(same, "translation,cutout")
    assert not torch.equal(diff_augment(same, "translation,cutout"), again), "each call draws fresh randomness"


def test_policy_parsing_and_errors() -> None:
    assert parse_policy("") == ()
    assert parse_policy(" translation , cutout ") == ("translation", "cutout")
    with pytest.raises(GanLabError, match="unknown augmentation 'color'"):
        parse_policy("translation,color")
    with pytest.raises(GanLabError, match="--lr-d >= 0"):
        TrainConfig(lr_d=-1.0).resolved()
    assert TrainConfig(augment="cutout, translation").resolved().augment == "cutout,translation"


def test_train_with_augment_and_lr_d_through_the_command_line(tmp_path: Path) -> None:
    from gan_lab.checkpoint import load_checkpoint

    out = tmp_path / "aug"
    args = ("--augment", "translation,cutout", "--lr-d", "4e-4")
    result = run_cli("train", "--model", "conv64", *SMOKE, "--max-samples", "128", *args, "--out", str(out))
    assert result.returncode == 0, result.stderr
    state = load_checkpoint(out / "checkpoint.pt")
    assert state["config"]["augment"] == "translation,cutout"
    assert state["opt_d"]["param_groups"][0]["lr"] == 4e-4 and state["opt_g"]["param_groups"][0]["lr"] == 2e-4
    bad = run_cli("train", *SMOKE, "--augment", "flip", "--out", str(tmp_path / "x"))
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0
    assert "unknown augmentation 'flip'" in bad.stderr
