"""gan_lab.runtime.atomic_write: the mode of what it writes, and what a failed write leaves."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gan_lab.runtime import atomic_write, atomic_write_text


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_written_files_get_the_mode_of_any_new_file(umask: int, tmp_path: Path) -> None:
    # mkstemp makes private 0600 files; results shared with a class (JSON, PNG, checkpoints) must be readable
    old = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "result.json", "{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "result.json").stat().st_mode) == 0o666 & ~umask


def test_a_failed_write_keeps_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "checkpoint.pt"
    target.write_text("last good state")

    def crash(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, crash)
    assert target.read_text() == "last good state"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.pt"]
