"""Exact resume after a real interruption: a training process is killed mid-run (SIGKILL, as by an
out-of-memory killer or a power cut), resumed from its last checkpoint, and must end with weights,
optimizer state and loss history identical to a run that was never interrupted."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from gan_lab.checkpoint import load_checkpoint
from tests.conftest import ENV, ROOT, run_cli

EPOCHS = 8
# conv64, because its dropout draws from the global RNG too, so the RNG state must be restored exactly
ARGS = "--model conv64 --dataset sample --max-samples 192 --batch-size 32 --n-fixed 4 --seed 7 --num-threads 1 --device cpu".split()


def start(out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gan_lab", "train", *ARGS, "--out", str(out), *extra],
        cwd=ROOT,
        env={**ENV, "PYTHONFAULTHANDLER": "1"},  # SIGABRT then dumps every thread's traceback to stderr
        # a shell without job control starts background jobs with SIGINT ignored, and Python keeps an
        # ignored SIGINT ignored (no KeyboardInterrupt): give the run the default, as a terminal would
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def interrupt_after_first_checkpoint(proc: subprocess.Popen, out: Path, sig: int) -> None:
    deadline = time.time() + 240
    while not (out / "checkpoint.pt").exists():
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline, "no checkpoint appeared"
        time.sleep(0.01)
    proc.send_signal(sig)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        # show where it is stuck (this is how the ignored-SIGINT case above was found)
        proc.send_signal(signal.SIGABRT)
        _, stderr = proc.communicate(timeout=60)
        pytest.fail(f"still running 120 s after signal {sig}; its threads when aborted:\n{stderr[-6000:]}")


def test_resume_after_sigkill_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    full = tmp_path / "full"
    assert run_cli("train", *ARGS, "--epochs", str(EPOCHS), "--out", str(full)).returncode == 0

    cut = tmp_path / "cut"
    proc = start(cut, "--epochs", str(EPOCHS))
    interrupt_after_first_checkpoint(proc, cut, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    reached = load_checkpoint(cut / "checkpoint.pt")["epoch"]
    assert 1 <= reached < EPOCHS, f"the kill came too late to test anything (epoch {reached})"

    resumed = run_cli(
        "train", "--out", str(cut), "--resume", "--epochs", str(EPOCHS), "--num-threads", "1", "--device", "cpu"
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming {cut / 'checkpoint.pt'} after epoch {reached}" in resumed.stdout

    a, b = load_checkpoint(full / "checkpoint.pt"), load_checkpoint(cut / "checkpoint.pt")
    assert a["epoch"] == b["epoch"] == EPOCHS
    for net in ("generator", "discriminator"):
        for key, value in a[net].items():
            assert torch.equal(value, b[net][key]), f"{net}.{key} differs after resume"
    for opt in ("opt_g", "opt_d"):
        for key, state in a[opt]["state"].items():
            assert all(torch.equal(state[s], b[opt]["state"][key][s]) for s in state), f"{opt} state differs"
    assert (full / "losses.csv").read_text() == (cut / "losses.csv").read_text()
    assert sorted(p.name for p in (cut / "samples").iterdir()) == [f"epoch_{e:03d}.png" for e in range(1, EPOCHS + 1)]


def test_ctrl_c_keeps_the_last_checkpoint_and_says_how_to_resume(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = start(out, "--epochs", "50")
    interrupt_after_first_checkpoint(proc, out, signal.SIGINT)
    stderr = proc.stderr.read()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "--resume" in stderr and "Traceback" not in stderr
    assert load_checkpoint(out / "checkpoint.pt")["epoch"] >= 1


# the mlp on 256 digits, 8 steps an epoch: small enough to be killed and resumed many times
KILL_ARGS = "--model mlp --dataset sample --max-samples 256 --batch-size 32 --n-fixed 4 --seed 3 --num-threads 1 --device cpu".split()
KILL_EPOCHS = 6


def wait_for_checkpoint(proc: subprocess.Popen, out: Path) -> None:
    while proc.poll() is None and not (out / "checkpoint.pt").exists():
        time.sleep(0.01)


def kill_during_checkpoint_write(proc: subprocess.Popen, out: Path) -> bool:
    """SIGKILL as soon as a write replacing the checkpoint starts; False if the run ended first."""
    wait_for_checkpoint(proc, out)
    while proc.poll() is None:
        if any(p.name.startswith(".checkpoint.pt.") for p in out.iterdir()):
            proc.kill()
            proc.wait()
            return True
        time.sleep(0.001)
    return False


def test_random_sigkills_lose_nothing(tmp_path: Path) -> None:
    import random

    full = tmp_path / "full"
    assert run_cli("train", *KILL_ARGS, "--epochs", str(KILL_EPOCHS), "--out", str(full)).returncode == 0

    cut, rng, epochs_seen, write_kills = tmp_path / "cut", random.Random(0), [0], 0
    for kill in ("start-up", "write", "random", "write", "random"):
        resume = ["--resume"] if (cut / "checkpoint.pt").exists() else []
        proc = subprocess.Popen(
            [sys.executable, "-m", "gan_lab", "train", *KILL_ARGS, "--epochs", str(KILL_EPOCHS), "--out", str(cut), *resume],
            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if kill == "write":
            write_kills += kill_during_checkpoint_write(proc, cut)
        else:
            if kill == "random":
                wait_for_checkpoint(proc, cut)
            time.sleep(rng.uniform(0.0, 2.0))  # anywhere: an epoch, a grid, a log append, a save
            proc.kill()
            proc.wait()
        if (cut / "checkpoint.pt").exists():  # always loadable, never behind the last one
            epochs_seen.append(load_checkpoint(cut / "checkpoint.pt")["epoch"])
            assert epochs_seen[-1] >= epochs_seen[-2]
        if epochs_seen[-1] == KILL_EPOCHS:
            break
    assert write_kills >= 1, "no kill landed during a checkpoint write"
    assert any(0 < e < KILL_EPOCHS for e in epochs_seen), "no kill landed between two checkpoints"

    resume = ["--resume"] if (cut / "checkpoint.pt").exists() else []
    done = run_cli("train", *KILL_ARGS, "--epochs", str(KILL_EPOCHS), "--out", str(cut), *resume)
    assert done.returncode == 0, done.stderr
    a, b = load_checkpoint(full / "checkpoint.pt"), load_checkpoint(cut / "checkpoint.pt")
    assert a["epoch"] == b["epoch"] == KILL_EPOCHS
    for part in ("generator", "discriminator"):
        assert all(torch.equal(v, b[part][k]) for k, v in a[part].items()), f"{part} differs after the kills"
    for opt in ("opt_g", "opt_d"):
        for key, state in a[opt]["state"].items():
            assert all(torch.equal(state[s], b[opt]["state"][key][s]) for s in state), f"{opt} state differs"
    assert (full / "losses.csv").read_bytes() == (cut / "losses.csv").read_bytes()
    assert not any(p.name.endswith(".tmp") for p in cut.iterdir()), "a cut-short write was left behind"
