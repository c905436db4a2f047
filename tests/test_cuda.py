"""The GPU fast path on a real CUDA GPU: every option trains, matches the default path within rounding,
keeps the data resident, and takes no host sync inside an epoch. Skipped where no CUDA GPU is present
(``benchmarks/gpu_check.sh`` runs this file on a GPU machine)."""

from __future__ import annotations

import pytest
import torch

from gan_lab.checkpoint import TrainState
from gan_lab.config import TrainConfig
from gan_lab.data import load_dataset
from gan_lab.train import train_one_epoch, training_nets

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

OPTIONS = ("fused_adam", "joint_d_pass", "channels_last", "compile", "amp")


def run(model: str, steps: int = 4, **options: bool) -> tuple[TrainState, torch.Tensor]:
    cfg = TrainConfig(model=model, dataset="sample", batch_size=64, device="cuda", **options).resolved()
    images = load_dataset("sample", cfg.image_size, device="cuda", max_samples=64 * steps).images
    if cfg.channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    torch.manual_seed(0)
    state = TrainState.create(cfg, 1, torch.device("cuda"))
    stats = train_one_epoch(state, images, nets=training_nets(state))
    return state, stats


def test_data_is_resident_on_the_gpu() -> None:
    assert load_dataset("sample", 64, device="cuda").images.is_cuda


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("model", ["mlp", "dcgan"])
def test_each_option_trains(model: str, option: str) -> None:
    state, stats = run(model, **{option: True})
    assert stats.shape == (4, 4) and stats.is_cuda and torch.isfinite(stats).all()
    assert all(p.is_cuda and torch.isfinite(p).all() for p in state.generator.parameters())


@pytest.mark.parametrize("option", ["fused_adam", "joint_d_pass", "channels_last"])
def test_fp32_options_match_the_default_path_within_rounding(option: str) -> None:
    # joint_d_pass applies to the mlp (its D has no BatchNorm or dropout); the others to both
    model = "mlp" if option == "joint_d_pass" else "dcgan"
    reference, _ = run(model, steps=2)
    fast, _ = run(model, steps=2, **{option: True})
    for key, value in reference.generator.state_dict().items():
        torch.testing.assert_close(fast.generator.state_dict()[key], value, rtol=1e-3, atol=1e-4, msg=key)


def test_an_epoch_takes_no_host_sync() -> None:
    cfg = TrainConfig(model="dcgan", dataset="sample", batch_size=64, device="cuda", fused_adam=True).resolved()
    images = load_dataset("sample", 64, device="cuda", max_samples=256).images
    state = TrainState.create(cfg, 1, torch.device("cuda"))
    train_one_epoch(state, images)  # warm-up: lazy initialisations may sync once
    torch.cuda.set_sync_debug_mode("error")
    try:
        train_one_epoch(state, images)
    finally:
        torch.cuda.set_sync_debug_mode("default")
