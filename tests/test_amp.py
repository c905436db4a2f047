"""``--amp``: bfloat16 autocast on CUDA and on CPUs that compute bf16 natively, refused elsewhere in one line.

The CPU's capabilities are what ``torch.cpu.get_capabilities()`` reports; the tests replace that mapping to
play a CPU with and without native bf16, so they pass on any machine. The CUDA path is in ``test_cuda.py``.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
import torch

from gan_lab.cli import main
from gan_lab.models import IMAGE_SIZES, build_models
from gan_lab.runtime import bf16_native
from gan_lab.train import STAT_KEYS, d_step, g_step
from tests.conftest import SMOKE, run_cli


def play_cpu(monkeypatch: pytest.MonkeyPatch, **capabilities: bool) -> None:
    """Make ``torch.cpu.get_capabilities()`` report exactly ``capabilities``."""
    monkeypatch.setattr(torch.cpu, "get_capabilities", lambda: {"architecture": "x86_64", **capabilities})


@pytest.mark.parametrize(
    ("capabilities", "native"),
    [
        ({"avx512_bf16": True, "avx512_f": True}, True),  # AMD Zen 4, Intel Cooper Lake
        ({"amx_bf16": True, "amx_tile": True}, True),  # Intel Sapphire Rapids
        ({"bf16": True, "neon": True}, True),  # ARMv8.6 (Apple M2, Graviton 3)
        ({"avx512_f": True, "avx512_bw": True, "avx2": True}, False),  # AVX-512 without bf16: emulated
        ({"avx2": True}, False),
        ({}, False),
    ],
)
def test_bf16_native_reads_the_cpus_bf16_instructions(
    capabilities: dict[str, bool], native: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    play_cpu(monkeypatch, **capabilities)
    assert bf16_native(torch.device("cpu")) is native
    assert bf16_native(torch.device("meta")) is False  # neither CUDA nor CPU: never


def one_step(name: str, amp: bool) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """A D step then a G step of ``name`` from the same weights and batches, with or without autocast."""
    torch.manual_seed(0)
    generator, discriminator = build_models(name)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    size = IMAGE_SIZES[name]
    x_real = torch.rand(16, 1, size, size) * 2 - 1  # (16, 1, size, size)
    z = torch.randn(16, 100)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=amp):
        x_fake = generator(z)
    out_d = d_step(discriminator, opt_d, x_real, x_fake, amp=amp)
    out_g = g_step(discriminator, opt_g, x_fake, amp=amp)
    return out_d, out_g


@pytest.mark.parametrize("name", ["mlp", "dcgan28"])
def test_cpu_amp_step_is_float32_finite_and_close_to_float32(name: str) -> None:
    fp32_d, fp32_g = one_step(name, amp=False)
    amp_d, amp_g = one_step(name, amp=True)
    for key, value in {**amp_d, **amp_g}.items():
        assert value.dtype == torch.float32, f"{key} must be float32 (the logits are cast before the loss)"
        assert torch.isfinite(value), key
    # bf16 keeps about 3 significant digits: a step's losses agree to a few parts in a hundred, not exactly
    for key in ("loss_d", "d_real", "d_fake"):
        torch.testing.assert_close(amp_d[key], fp32_d[key], rtol=3e-2, atol=1e-2)
    torch.testing.assert_close(amp_g["loss_g"], fp32_g["loss_g"], rtol=3e-2, atol=1e-2)
    assert amp_d["loss_d"] != fp32_d["loss_d"], "autocast changed nothing: the step did not run in bf16"


def test_amp_trains_on_a_cpu_with_native_bf16(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    play_cpu(monkeypatch, avx512_bf16=True)  # autocast itself runs on any CPU (emulated where not native)
    out = tmp_path / "amp"
    assert main(["train", "--model", "mlp", *SMOKE, "--amp", "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / "losses.csv").open()))
    assert len(rows) == 4  # 256 images / 64 per batch
    assert all(math.isfinite(float(r[k])) for r in rows for k in STAT_KEYS)
    assert all(0 <= float(r["d_real"]) <= 1 and 0 <= float(r["d_fake"]) <= 1 for r in rows)


def test_amp_is_refused_in_one_line_where_bf16_is_emulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    play_cpu(monkeypatch, avx512_f=True, avx2=True)
    out = tmp_path / "refused"
    assert main(["train", "--model", "mlp", *SMOKE, "--amp", "--out", str(out)]) == 2
    message = capsys.readouterr().err.strip()
    assert "\n" not in message and "--amp needs bfloat16 arithmetic in hardware" in message
    assert "this cpu device has none; drop --amp" in message
    assert not (out / "checkpoint.pt").exists()


def test_help_says_where_amp_runs() -> None:
    result = run_cli("train", "--help")
    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())  # argparse wraps lines
    assert "--amp" in help_text and "bfloat16 mixed precision" in help_text and "AVX512-BF16" in help_text
