"""README's results tables are the ones ``scripts/results_tables.py`` prints from ``book/results/``, line for line."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

from gan_lab.classifier import WEIGHTS_PATH

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("results_tables", ROOT / "scripts" / "results_tables.py")
tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tables)


@pytest.mark.parametrize("name", sorted(tables.TABLES))
def test_readme_shows_the_table_the_result_files_give(name: str) -> None:
    readme = [line.strip() for line in (ROOT / "README.md").read_text().splitlines()]  # tables in lists are indented
    expected = tables.TABLES[name]().splitlines()
    header = expected[0]
    assert header in readme, f"README has no '{name}' table: run python scripts/results_tables.py --only {name}"
    start = readme.index(header)
    shown = readme[start : start + len(expected)]
    stale = "\n".join(f"README: {a}\nfiles:  {b}" for a, b in zip(shown, expected) if a != b)
    assert not stale, f"README's '{name}' table differs from book/results/ (paste the script's output):\n{stale}"
    after = readme[start + len(expected)] if start + len(expected) < len(readme) else ""
    assert not after.startswith("|"), f"README's '{name}' table has rows the result files do not give: {after}"


def test_flags_drop_the_shared_options_and_the_run_folder() -> None:
    command = "gan-lab train --model mlp --dataset sample --epochs 300 --ema 0 --num-threads 1 --seed 0 --out runs/x"
    assert tables._flags(command) == "--model mlp --epochs 300 --ema 0"


def test_every_sample_result_was_judged_by_the_committed_classifier() -> None:
    """The reference runs, the stabilisers and the truncation sweeps: one judge, named by its bytes."""
    results = ROOT / "book" / "results"
    reference = json.loads((results / "reference_runs.json").read_text())
    files = [row["evaluation"] for row in reference["runs"] + reference["ablations"]]
    files += [name for sweep in reference["truncation"]["sweeps"] for name in sweep["evaluations"]]
    judge = hashlib.sha256(WEIGHTS_PATH.read_bytes()).hexdigest()
    other = [f for f in files if json.loads((results / f).read_text()).get("classifier_sha256") != judge]
    assert not other, f"scored by another classifier, or without its fingerprint: {other}"
