"""torchrun: two gloo processes on the CPU take the steps one process takes on the same global batch.

The MLP's discriminator has no BatchNorm; its generator has BatchNorm, which on CPU normalizes each
process's shard by the shard's own statistics (torch's SyncBatchNorm runs on GPUs only). The trusted
reference is therefore one process running the same loop with the generator applied to each half of
every global batch in turn (running statistics kept from the first half, as rank 0 keeps its own).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from gan_lab.checkpoint import TrainState, load_checkpoint
from gan_lab.config import TrainConfig
from gan_lab.data import load_dataset
from gan_lab.train import Nets, train_one_epoch
from tests.conftest import ENV, ROOT

ARGS = "--model mlp --dataset sample --max-samples 256 --batch-size 64 --epochs 2 --seed 3 --device cpu".split()


class Halves(nn.Module):
    """The generator on each half of the batch, as two processes run it; rank 0's running statistics kept."""

    def __init__(self, generator: nn.Module) -> None:
        super().__init__()
        self.generator = generator

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        first, second = z.chunk(2)
        x_first = self.generator(first)
        kept = [(m, name, b.clone()) for m in self.generator.modules() for name, b in m.named_buffers(recurse=False)]
        x_second = self.generator(second)
        for m, name, b in kept:  # rebound, not copied in place: autograd saved the running statistics
            setattr(m, name, b)
        return torch.cat([x_first, x_second])


def single_process(halves: bool) -> TrainState:
    cfg = TrainConfig(model="mlp", dataset="sample", max_samples=256, batch_size=64, seed=3, device="cpu").resolved()
    torch.manual_seed(cfg.seed)  # as cfg.setup() seeds a run
    images = load_dataset("sample", 28, max_samples=256).images
    state = TrainState.create(cfg, 1, torch.device("cpu"))
    generator = Halves(state.generator) if halves else state.generator
    for _ in range(2):
        train_one_epoch(state, images, nets=Nets(generator, state.discriminator, state.discriminator))
    return state


def test_two_processes_equal_one_process_on_the_global_batch(tmp_path: Path) -> None:
    out = tmp_path / "ddp"
    torchrun_train(out)
    saved = load_checkpoint(out / "checkpoint.pt")
    assert saved["epoch"] == 2 and not list(out.glob(".checkpoint.pt.*.tmp"))
    assert len((out / "losses.csv").read_text().splitlines()) == 1 + 2 * 4  # written once: header + 8 steps

    reference, plain = single_process(halves=True), single_process(halves=False)
    for name in ("generator", "discriminator"):
        ref, ddp = getattr(reference, name).state_dict(), saved[name]
        assert ref.keys() == ddp.keys()
        for key in ref:
            torch.testing.assert_close(ddp[key], ref[key], rtol=1e-4, atol=1e-5, msg=f"{name}.{key}")
    # the per-process BatchNorm is what separates the two runs from one plain process: measurably so
    diff = max((saved["generator"][k] - v).abs().max().item() for k, v in plain.generator.state_dict().items())
    print(f"max |2 processes - 1 plain process| over the generator's state: {diff:.2e}")
    assert diff > 1e-4


def torchrun_train(out: Path, *extra: str) -> None:
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "gan_lab"]
    result = subprocess.run(
        [*cmd, "train", *ARGS, "--out", str(out), *extra], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
def test_two_processes_resume_exactly(tmp_path: Path) -> None:
    torchrun_train(tmp_path / "whole")
    torchrun_train(tmp_path / "cut", "--epochs", "1")
    torchrun_train(tmp_path / "cut", "--resume")
    whole, cut = (load_checkpoint(tmp_path / n / "checkpoint.pt") for n in ("whole", "cut"))
    for name in ("generator", "discriminator"):
        for key, value in whole[name].items():
            assert torch.equal(cut[name][key], value), f"{name}.{key}"
    assert (tmp_path / "whole" / "losses.csv").read_text() == (tmp_path / "cut" / "losses.csv").read_text()


@pytest.mark.slow
def test_two_processes_train_the_gradient_penalty_with_n_critic(tmp_path: Path) -> None:
    """The penalty's second backward runs through DDP, and both processes keep the n_critic rhythm."""
    torchrun_train(tmp_path / "gp", "--loss", "wgan-gp", "--n-critic", "2", "--spectral-norm")
    saved = load_checkpoint(tmp_path / "gp" / "checkpoint.pt")
    g_steps = {int(s["step"]) for s in saved["opt_g"]["state"].values()}
    assert saved["d_steps"] == 8 and g_steps == {4}  # 2 epochs of 4 steps: G after D steps 0, 2, 4, 6
    assert all(torch.isfinite(v).all() for v in saved["discriminator"].values())
