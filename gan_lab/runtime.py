"""Run-time plumbing shared by every command: tensor checks, device choice, seeding, atomic writes.

Nothing here touches a GPU at import time; the device is chosen when a command runs.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

# the errors live one layer down (no torch there); every module may keep importing them from here
from gan_lab.errors import GanLabError as GanLabError
from gan_lab.errors import GanLabTypeError as GanLabTypeError
from gan_lab.errors import OneLineParser as OneLineParser
from gan_lab.errors import describe as describe
from gan_lab.errors import expect_int as expect_int
from gan_lab.errors import expect_suffix as expect_suffix
from gan_lab.errors import first_line as first_line

# --- checks at the public boundary: they read a tensor's metadata (shape, dtype, device), never its values,
# so they cost no device synchronisation and run wherever a learner's call enters the package


def expect_tensor(
    name: str, value: object, shape: str, ndims: tuple[int, ...] | None = None, floating: bool = True
) -> torch.Tensor:
    """``value`` if it is a tensor with one of ``ndims`` dimensions (``shape`` says which, e.g. ``(N, D)``),
    floating-point when ``floating``; else a one-line :class:`GanLabError` naming what came."""
    if not isinstance(value, torch.Tensor):
        raise GanLabTypeError(f"expected {name} as a torch.Tensor of shape {shape}, got {describe(value)}")
    if ndims is not None and value.ndim not in ndims:
        raise GanLabError(f"expected {name} of shape {shape}, got {tuple(value.shape)}")
    if floating and not value.is_floating_point():
        raise GanLabTypeError(f"expected {name} as a floating-point tensor, got {value.dtype} (convert with .float())")
    return value


def expect_same_device(**tensors: torch.Tensor) -> None:
    """All ``tensors`` on one device, or a one-line error naming where each one is."""
    devices = {t.device for t in tensors.values()}
    if len(devices) > 1:
        where = ", ".join(f"{name} on {t.device}" for name, t in tensors.items())
        raise GanLabError(f"expected all on one device, got {where} (move them with .to(device))")


def pick_device(name: str = "auto") -> torch.device:
    """Resolve ``auto`` to cuda, then mps, then cpu; check that an explicit choice is available."""
    if not isinstance(name, (str, torch.device)):
        raise GanLabTypeError(f"expected a device name such as 'cpu' or 'cuda', got {describe(name)}")
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError) as err:
        raise GanLabError(f"unknown device {name!r}: expected auto, cpu, cuda, cuda:N or mps") from err
    if device.type == "cuda" and not torch.cuda.is_available():
        raise GanLabError("--device cuda was asked for but no CUDA GPU is visible; use --device auto or cpu")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise GanLabError("--device mps was asked for but MPS is not available; use --device auto or cpu")
    return device


# CPU features that compute bfloat16 in hardware (torch.cpu.get_capabilities names): x86's AVX512-BF16 dot
# products and AMX tiles, ARM's BF16 and SVE-BF16; without them autocast emulates bf16 and runs slower than fp32
BF16_CPU_FEATURES = ("avx512_bf16", "amx_bf16", "bf16", "sve_bf16")


def bf16_native(device: torch.device) -> bool:
    """Whether ``device`` computes bfloat16 natively, i.e. whether bf16 autocast (``--amp``) can pay there."""
    if device.type == "cuda":
        with torch.cuda.device(device):  # the device trained on, not only the current one
            return torch.cuda.is_bf16_supported(including_emulation=False)  # compute capability 8.0 or later
    if device.type == "cpu":
        capabilities = torch.cpu.get_capabilities()
        return any(capabilities.get(feature, False) for feature in BF16_CPU_FEATURES)
    return False


def check_amp(device: torch.device) -> None:
    """One-line :class:`GanLabError` unless ``device`` computes bfloat16 natively (see :func:`bf16_native`)."""
    if not bf16_native(device):
        raise GanLabError(
            f"--amp needs bfloat16 arithmetic in hardware (a CUDA GPU with bf16, or a CPU with AVX512-BF16, AMX or "
            f"ARM BF16), and this {device.type} device has none; drop --amp"
        )


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices) so a CPU run is repeatable bit for bit."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _umask() -> int:
    mask = os.umask(0)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def atomic_write(path: str | Path, write: Callable[[str], None]) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``: a crash never leaves a half-written file."""
    path = Path(path)
    if path.is_dir():
        raise GanLabError(f"expected a file name to write, got the folder {path}")
    blocked = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise GanLabError(f"cannot write {path}: {blocked} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as err:  # a parent that is a file, no permission, a read-only file system
        raise GanLabError(f"cannot write {path} ({first_line(err)}): choose another place") from err
    try:
        write(tmp)
        # mkstemp creates the file private (0600); give it the mode any new file gets (0666 minus the umask)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)  # atomic on POSIX and Windows when on the same file system
    except OSError as err:  # a full disk; the previous file at path is intact
        Path(tmp).unlink(missing_ok=True)
        raise GanLabError(f"cannot write {path} ({first_line(err)}); any earlier file there is unchanged") from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def check_writable(folder: str | Path, needed_bytes: int = 0) -> None:
    """Create ``folder`` if needed and write a test file into it; check ``needed_bytes`` are free there.

    Called before a long run starts, so that an unwritable or full output folder is a one-line error
    at once rather than a crash at the first save.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test.")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise GanLabError(f"cannot write into {folder} ({first_line(err)}): choose another output folder") from err
    free = shutil.disk_usage(folder).free
    if free < needed_bytes:
        raise GanLabError(
            f"{folder} has {free / 1e6:.1f} MB free, this run needs about {needed_bytes / 1e6:.1f} MB "
            "(a checkpoint and its replacement): free some space or choose another output folder"
        )
