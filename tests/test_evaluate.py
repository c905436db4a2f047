"""``gan-lab evaluate`` end to end on a one-epoch checkpoint, the preprocessing, and bad input."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from gan_lab.classifier import WEIGHTS_PATH
from gan_lab.cli import main
from gan_lab.commands.evaluate import EvaluateConfig
from gan_lab.evalplots import d_histogram_figure, nearest_neighbours, save_training_gif
from gan_lab.evaluate import format_table, to_classifier_input
from tests.conftest import ENV, SMOKE, run_cli

METRICS = (
    "fid",
    "kid",
    "kid_std",
    "inception_score",
    "class_entropy",
    "mean_conditional_entropy",
    "precision",
    "recall",
    "classes_covered",
    "kl_to_uniform",
    "histogram",
)


def test_evaluate_smoke_run(tiny_run: Path, tmp_path: Path) -> None:
    out, figures = tmp_path / "eval.json", tmp_path / "figures"
    result = run_cli(
        "evaluate", "--checkpoint", str(tiny_run / "checkpoint.pt"), "--n", "200", "--kid-subsets", "5",
        "--kid-subset-size", "100", "--out", str(out), "--figures", str(figures),
        "--stages", str(tiny_run / "checkpoint.pt"), "--device", "cpu", "--num-threads", "1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "FID" in result.stdout and "real floor" in result.stdout
    report = json.loads(out.read_text())
    assert report["n"] == 200 and report["model"] == "mlp" and report["epochs"] == 1
    # the judge is named by its bytes, not only its file name
    assert report["classifier_sha256"] == hashlib.sha256(WEIGHTS_PATH.read_bytes()).hexdigest()
    for part in ("model_vs_heldout", "floor_train_vs_heldout"):
        assert set(METRICS) <= set(report[part])
        assert 1.0 <= report[part]["inception_score"] <= 10.0
        assert 0.0 <= report[part]["precision"] <= 1.0 and 0.0 <= report[part]["recall"] <= 1.0
        assert sum(report[part]["histogram"]) == 200
    # a one-epoch MLP is far from real digits; real training digits are close to held-out ones
    assert report["model_vs_heldout"]["fid"] > report["floor_train_vs_heldout"]["fid"]
    # 10 splits of only 20 images: each split's p(y) is far from uniform, so even real digits score ~6-7
    assert report["floor_train_vs_heldout"]["inception_score"] > 5.0
    assert report["fid_ratio_to_floor"] > 1.0
    names = sorted(p.name for p in figures.iterdir())
    assert names == ["mlp_d_histograms.png", "mlp_nearest_neighbours.png", "mlp_training.gif"]
    assert format_table(report).splitlines()[1].split() == ["metric", "model", "real", "floor"]
    assert report["eval_config"]["truncation"] == 0.0 and "truncated" not in format_table(report)
    report["eval_config"]["truncation"] = 0.5
    assert format_table(report).splitlines()[0].endswith("; z truncated to [-0.5, 0.5]")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--checkpoint is required"),
        (("--checkpoint", "no/such/checkpoint.pt"), "no checkpoint at"),
        (("--checkpoint", "{bad}"), "not a readable gan_lab checkpoint"),
        (("--checkpoint", "{tiny}", "--n", "5"), "--n must be at least 10"),
        (("--checkpoint", "{tiny}", "--classifier", "no/such/weights.pt"), "no classifier weights"),
        (("--checkpoint", "{tiny}", "--truncation", "-0.5"), "--truncation must be 0 (off) or a positive"),
    ],
)
def test_bad_input_gives_one_line_errors(
    args: tuple[str, ...], message: str, tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"\x00 truncated")
    args = tuple(a.format(bad=bad, tiny=tiny_run / "checkpoint.pt") for a in args)
    # in-process through the real entry point (a fresh process per case would cost seconds of imports)
    assert main(["evaluate", *args, "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("gan-lab evaluate: error:")


def test_missing_checkpoint_exits_2_from_a_real_process() -> None:
    result = run_cli("evaluate", "--checkpoint", "no/such/checkpoint.pt")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "no checkpoint at" in result.stderr


def test_64x64_images_are_downsized_with_antialiasing() -> None:
    x = torch.rand(3, 1, 64, 64) * 2 - 1
    expected = F.interpolate(x, size=(28, 28), mode="bilinear", antialias=True, align_corners=False)
    assert torch.allclose(to_classifier_input(x), expected.clamp(-1, 1))
    same = torch.rand(2, 1, 28, 28) * 2 - 1
    assert torch.equal(to_classifier_input(same), same)  # 28x28 passes through untouched


def test_nearest_neighbour_finds_an_exact_copy() -> None:
    pool = torch.randn(50, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    dist, idx = nearest_neighbours(pool[[7, 3]] + 1e-4, pool)
    assert idx.tolist() == [7, 3] and (dist < 0.01).all()


def test_training_gif_needs_epoch_grids(tmp_path: Path) -> None:
    from gan_lab.runtime import GanLabError

    with pytest.raises(GanLabError, match="no epoch_"):
        save_training_gif(tmp_path, tmp_path / "x.gif")


def test_help_lists_every_field(capsys: pytest.CaptureFixture) -> None:
    from dataclasses import fields

    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert all("--" + f.name.replace("_", "-") in out for f in fields(EvaluateConfig))


def test_stages_of_the_same_epoch_keep_their_file_order(tiny_run: Path, tmp_path: Path) -> None:
    import shutil

    from gan_lab.commands.evaluate import stage_outputs

    for name in ("a.pt", "b.pt"):  # two copies: the same epoch, so only the tensors could break the tie
        shutil.copy(tiny_run / "checkpoint.pt", tmp_path / name)
    x_real = torch.rand(50, 1, 28, 28) * 2 - 1
    outputs = stage_outputs(str(tmp_path / "*.pt"), x_real, seed=0)
    assert [epoch for epoch, _, _ in outputs] == [1, 1]
    assert torch.equal(outputs[0][1], outputs[1][1]) and outputs[0][1].shape == (50,)


def test_every_d_histogram_panel_labels_its_own_axes() -> None:
    """Each panel shows its x tick labels 0 ... 1 (shared axes would hide all but the bottom row's)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    g = torch.Generator().manual_seed(0)
    outputs = [
        (epoch, torch.rand(100, generator=g), torch.rand(100, generator=g)) for epoch in (1, 5, 20, 50, 100, 300)
    ]
    fig = d_histogram_figure(outputs)
    FigureCanvasAgg(fig).draw()  # tick label texts are set when the figure is drawn
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == len(outputs) and len(fig.axes) == 8  # two rows of four, two panels empty and hidden
    for ax in panels:
        shown = [t.get_text() for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
        assert shown[0] == "0" and shown[-1] == "1" and len(shown) >= 3, (ax.get_title(), shown)
        assert ax.get_xlim() == (0.0, 1.0) and ax.get_xlabel() and ax.get_ylabel()
        assert [t for t in ax.get_yticklabels() if t.get_visible() and t.get_text()]
    (legend,) = fig.legends  # one legend for all panels, outside them
    assert [t.get_text() for t in legend.get_texts()] == ["D(x) on real digits", "D(G(z)) on generated digits"]
    assert all(t.get_fontsize() >= 9 for t in legend.get_texts())


def test_nearest_neighbour_script_reproduces_the_evaluation_medians(tiny_run: Path, tmp_path: Path) -> None:
    """scripts/nearest_neighbour_distances.py measures the same samples and held-out digits as evaluate."""
    checkpoint, evaluation, out = tiny_run / "checkpoint.pt", tmp_path / "eval.json", tmp_path / "nn.json"
    args = ("--n", "200", "--kid-subsets", "2", "--kid-subset-size", "50", "--device", "cpu", "--num-threads", "1")
    assert run_cli("evaluate", "--checkpoint", str(checkpoint), *args, "--out", str(evaluation)).returncode == 0
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [
            sys.executable,
            str(root / "scripts" / "nearest_neighbour_distances.py"),
            str(checkpoint),
            str(out),
            "--n",
            "200",
        ],
        capture_output=True,
        text=True,
        env={**ENV, "PYTHONPATH": str(root)},  # this checkout's gan_lab, as `python -m gan_lab` from its root
    )
    assert result.returncode == 0, result.stderr
    medians, nn = json.loads(evaluation.read_text())["nn_pixel_distance_median"], json.loads(out.read_text())
    assert nn["generated_quantiles"]["0.5"] == medians["generated_to_train"]
    assert nn["heldout_quantiles"]["0.5"] == medians["heldout_to_train"]
    assert len(nn["shown_pairs"]) == 16 and nn["n"] == 200
    shares = list(nn["generated_below_heldout_quantile"].values())
    assert shares == sorted(shares) and all(0.0 <= s <= 1.0 for s in shares)


def test_ema_leaves_the_training_alone_and_evaluate_scores_either_generator(tmp_path: Path) -> None:
    """One run with --ema holds the plain recipe's generator too: --weights raw scores it at equal steps."""
    runs = {}
    for ema in ("0", "0.999"):  # 2 epochs of 2 steps: the per-epoch grids and checkpoints lie between steps
        runs[ema] = tmp_path / f"ema{ema}"
        args = [*SMOKE, "--max-samples", "128", "--epochs", "2", "--ema", ema, "--real-label", "1.0"]
        result = run_cli("train", "--model", "mlp", *args, "--out", str(runs[ema]))
        assert result.returncode == 0, result.stderr
    plain, averaged = (torch.load(runs[e] / "checkpoint.pt", weights_only=True) for e in ("0", "0.999"))
    assert "generator_ema" in averaged and "generator_ema" not in plain
    for part in ("generator", "discriminator", "opt_g", "opt_d"):
        flat_plain, flat_averaged = _tensors(plain[part]), _tensors(averaged[part])
        assert flat_plain.keys() == flat_averaged.keys()
        assert all(torch.equal(flat_plain[k], flat_averaged[k]) for k in flat_plain), f"--ema changed {part}"
    reports = {}
    for name, run, weights in (("plain", "0", "auto"), ("raw", "0.999", "raw"), ("ema", "0.999", "ema")):
        out = tmp_path / f"{name}.json"
        result = run_cli(
            "evaluate", "--checkpoint", str(runs[run] / "checkpoint.pt"), "--weights", weights, "--n", "100",
            "--kid-subsets", "2", "--kid-subset-size", "50", "--out", str(out), "--device", "cpu", "--num-threads", "1",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        reports[name] = json.loads(out.read_text())
    assert [reports[n]["weights"] for n in ("plain", "raw", "ema")] == ["raw", "raw", "ema"]
    assert all(r["epochs"] == 2 for r in reports.values())
    assert reports["raw"]["model_vs_heldout"] == reports["plain"]["model_vs_heldout"]
    assert reports["ema"]["model_vs_heldout"]["fid"] != reports["raw"]["model_vs_heldout"]["fid"]
    assert "the moving average of G" in format_table(reports["ema"]).splitlines()[0]


def _tensors(state: object, prefix: str = "") -> dict[str, torch.Tensor]:
    """Every tensor of a (nested) state dict, by its path."""
    if isinstance(state, torch.Tensor):
        return {prefix: state}
    items = state.items() if isinstance(state, dict) else enumerate(state) if isinstance(state, list) else ()
    return {k: v for key, value in items for k, v in _tensors(value, f"{prefix}/{key}").items()}
