"""The class-conditional GAN: its networks, training with labels, sampling a digit, per-class evaluation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from gan_lab.checkpoint import TrainState, load_run
from gan_lab.config import TrainConfig
from gan_lab.data import batches, labelled_batches, load_dataset
from gan_lab.metrics import class_agreement
from gan_lab.models import REGISTRY, build_models, count_parameters, model_spec
from gan_lab.models.conditional import ProjectionDiscriminator
from gan_lab.train import train_one_epoch
from tests.conftest import SMOKE, run_cli

# model -> (generator parameters, discriminator parameters), also written in the module's docstring
PARAMETER_COUNTS = {"cgan": (834_689, 201_409), "cgan-concat": (834_689, 148_929)}


@pytest.fixture(scope="module")
def cgan_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-epoch conditional run on 256 sample digits, made through the real command."""
    out = tmp_path_factory.mktemp("cgan") / "run"
    result = run_cli("train", "--model", "cgan", *SMOKE, "--n-fixed", "20", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("name", list(PARAMETER_COUNTS))
def test_shapes_and_parameter_counts(name: str) -> None:
    torch.manual_seed(0)
    generator, discriminator = build_models(name)
    assert model_spec(name).conditional and model_spec(name).num_classes == 10
    labels = torch.tensor([0, 3, 9])
    x_fake = generator(torch.randn(3, 100), labels)
    assert x_fake.shape == (3, 1, 28, 28) and x_fake.min() >= -1 and x_fake.max() <= 1
    assert discriminator(x_fake, labels).shape == (3, 1)
    assert (count_parameters(generator), count_parameters(discriminator)) == PARAMETER_COUNTS[name]
    doc = " ".join(__import__("gan_lab.models.conditional", fromlist=["_"]).__doc__.split())
    assert all(f"{count:,}" in doc for count in PARAMETER_COUNTS[name])


def test_unconditional_models_stay_unconditional() -> None:
    assert [n for n, s in REGISTRY.items() if not s.conditional] == ["mlp", "dcgan28", "conv64", "dcgan"]


@pytest.mark.parametrize("name", list(PARAMETER_COUNTS))
def test_the_label_changes_both_networks(name: str) -> None:
    torch.manual_seed(0)
    generator, discriminator = build_models(name)
    generator.eval(), discriminator.eval()
    z = torch.randn(4, 100)
    x = generator(z, torch.full((4,), 1))
    assert not torch.allclose(x, generator(z, torch.full((4,), 7)))
    assert not torch.allclose(discriminator(x, torch.full((4,), 1)), discriminator(x, torch.full((4,), 7)))
    # no labels: the classes in turn, exactly as if 0, 1, 2, 3 had been asked for
    assert torch.equal(generator(z), generator(z, torch.arange(4)))


def test_projection_discriminator_is_psi_plus_the_inner_product() -> None:
    torch.manual_seed(0)
    d = ProjectionDiscriminator().eval()
    x, y = torch.randn(5, 1, 28, 28), torch.tensor([0, 2, 2, 5, 9])
    phi = d.phi(x)  # (5, 6272)
    expected = d.psi(phi).squeeze(1) + torch.stack([phi[i] @ d.embed.weight[y[i]] for i in range(5)])
    assert torch.allclose(d(x, y).squeeze(1), expected, atol=1e-5)


def test_labelled_batches_pair_each_image_with_its_label() -> None:
    images, labels = torch.randn(100, 1, 2, 2), torch.arange(100)
    plain = list(batches(images, 32, torch.Generator().manual_seed(4)))
    pairs = list(labelled_batches(images, labels, 32, torch.Generator().manual_seed(4)))
    assert len(pairs) == len(plain) == 3
    for x, (x2, y) in zip(plain, pairs):
        assert torch.equal(x, x2) and torch.equal(images[y], x2)


def test_one_batch_of_conditional_training_uses_the_real_labels() -> None:
    """All 64 digits labelled 3: of the projection's class embeddings, only row 3 may move."""
    cfg = TrainConfig(model="cgan", batch_size=64, device="cpu").resolved()
    cfg.setup()
    state = TrainState.create(cfg, 1, torch.device("cpu"))
    data = load_dataset("sample", 28, split="train", max_samples=64)
    g0 = [p.clone() for p in state.generator.parameters()]
    embed0 = state.discriminator.embed.weight.detach().clone()
    stats = train_one_epoch(state, data.images, labels=torch.full((64,), 3))
    assert stats.shape == (1, 4) and torch.isfinite(stats).all()
    assert all(not torch.equal(a, b) for a, b in zip(g0, state.generator.parameters()))
    moved = (state.discriminator.embed.weight.detach() != embed0).any(1)  # (10,)
    assert moved.tolist() == [c == 3 for c in range(10)]


def test_class_agreement_against_a_hand_made_case() -> None:
    requested = torch.tensor([0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
    predicted = torch.tensor([0, 0, 0, 5, 1, 2, 2, 2, 2, 2])
    agreement = class_agreement(predicted, requested, num_classes=4)
    assert agreement[:3] == [0.75, 0.5, 1.0] and math.isnan(agreement[3])  # class 3 was never requested
    with pytest.raises(ValueError):
        class_agreement(predicted[:3], requested)


def test_sample_digit_draws_that_digit(cgan_run: Path, tmp_path: Path) -> None:
    npz = tmp_path / "sevens.npz"
    args = ["sample", "--checkpoint", str(cgan_run / "checkpoint.pt"), "--digit", "7", "--n", "6", "--seed", "2"]
    result = run_cli(*args, "--out", str(tmp_path / "sevens.png"), "--npz", str(npz))
    assert result.returncode == 0, result.stderr
    saved = np.load(npz)
    assert saved["labels"].tolist() == [7] * 6
    run = load_run(cgan_run / "checkpoint.pt")
    from gan_lab.latent import sample_noise
    from gan_lab.plots import to_unit

    with torch.no_grad():
        expected = to_unit(run.sampler(sample_noise(6, 100, seed=2), torch.full((6,), 7)))
    assert np.allclose(saved["images"], expected.numpy(), atol=1e-6)


def test_sample_without_a_digit_is_one_row_per_digit(cgan_run: Path, tmp_path: Path) -> None:
    npz = tmp_path / "all.npz"
    args = ["sample", "--checkpoint", str(cgan_run / "checkpoint.pt"), "--n", "25", "--npz", str(npz)]
    assert run_cli(*args, "--out", str(tmp_path / "all.png")).returncode == 0
    assert Image.open(tmp_path / "all.png").size == (3 * 30 + 2, 10 * 30 + 2)  # ceil(25/10) = 3 columns
    saved = np.load(npz)
    assert saved["labels"].tolist() == [d for d in range(10) for _ in range(3)]
    images = saved["images"].reshape(10, 3, -1)
    assert not np.allclose(images[0], images[1])  # the rows differ by digit only


def test_sample_digit_bad_input(cgan_run: Path, tiny_run: Path) -> None:
    result = run_cli("sample", "--checkpoint", str(cgan_run / "checkpoint.pt"), "--digit", "10")
    assert result.returncode == 2 and "--digit must be in 0..9" in result.stderr
    result = run_cli("sample", "--checkpoint", str(tiny_run / "checkpoint.pt"), "--digit", "3")
    assert result.returncode == 2 and "--digit needs a class-conditional model" in result.stderr


class _Oracle(torch.nn.Module):
    """A 'generator' that returns real held-out digits of the class asked for (or always of class 0)."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, ignore_labels: bool = False) -> None:
        super().__init__()
        self.by_class = [images[labels == c] for c in range(10)]
        self.ignore_labels = ignore_labels

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return torch.stack([self.by_class[0 if self.ignore_labels else int(c)][i] for i, c in enumerate(labels)])


def test_per_class_agreement_of_a_perfect_and_a_label_blind_generator() -> None:
    from gan_lab.classifier import WEIGHTS_PATH, load_classifier
    from gan_lab.evaluate import per_class

    classifier = load_classifier(WEIGHTS_PATH, "cpu")
    held = load_dataset("sample", 28, split="heldout")
    train = load_dataset("sample", 28, split="train")
    args = ((held.images, held.labels), (train.images, train.labels), 80, 100, 0, torch.device("cpu"))
    perfect = per_class(_Oracle(held.images, held.labels), classifier, *args)
    assert min(perfect["agreement"]) >= 0.9  # the classifier reads real held-out digits correctly
    assert len(perfect["fid"]) == len(perfect["floor_fid"]) == 10
    blind = per_class(_Oracle(held.images, held.labels, ignore_labels=True), classifier, *args)
    assert blind["agreement"][0] >= 0.9 and max(blind["agreement"][1:]) <= 0.1
    assert min(blind["fid"][1:]) > max(perfect["fid"])  # zeros asked to be other digits are far from them


def test_evaluate_reports_per_class_for_a_conditional_checkpoint(cgan_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "evaluation.json"
    args = ["evaluate", "--checkpoint", str(cgan_run / "checkpoint.pt"), "--n", "400", "--out", str(out)]
    result = run_cli(*args, "--kid-subsets", "5", "--kid-subset-size", "100", "--num-threads", "1")
    assert result.returncode == 0, result.stderr
    import json

    per = json.loads(out.read_text())["per_class"]
    assert per["n_per_class"] == 40 and len(per["agreement"]) == 10
    assert per["agreement_min"] == min(per["agreement"]) and "lowest agreement" in result.stdout


def _onnx_matches_torch(path: Path, run_dir: Path, conditional: bool) -> None:
    import onnxruntime

    run = load_run(run_dir / "checkpoint.pt")
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    z = torch.randn(5, run.config.latent_dim, generator=torch.Generator().manual_seed(1))  # batch 5, exported at 2
    labels = torch.tensor([0, 7, 7, 3, 9])
    feeds = {"z": z.numpy(), **({"labels": labels.numpy()} if conditional else {})}
    (images,) = session.run(None, feeds)
    with torch.no_grad():
        expected = run.sampler(z, labels) if conditional else run.sampler(z)
    assert images.shape == tuple(expected.shape)
    assert np.allclose(images, expected.numpy(), atol=1e-5), np.abs(images - expected.numpy()).max()


def test_onnx_export_matches_pytorch(cgan_run: Path, tiny_run: Path, tmp_path: Path) -> None:
    import onnx

    result = run_cli("export", "--checkpoint", str(cgan_run / "checkpoint.pt"), "--format", "onnx")
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr  # nothing a user cannot act on
    path = cgan_run / "generator.onnx"
    model = onnx.load(str(path))
    assert [i.name for i in model.graph.input] == ["z", "labels"]
    assert {p.key: p.value for p in model.metadata_props}["latent_dim"] == "100"
    _onnx_matches_torch(path, cgan_run, conditional=True)

    out = tmp_path / "mlp.onnx"
    assert run_cli("export", "--checkpoint", str(tiny_run / "checkpoint.pt"), "--out", str(out)).returncode == 0
    assert [i.name for i in onnx.load(str(out)).graph.input] == ["z"]
    _onnx_matches_torch(out, tiny_run, conditional=False)


def test_export_without_onnx_is_one_line(tiny_run: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import sys

    from gan_lab.cli import main

    monkeypatch.setitem(sys.modules, "onnx", None)  # 'import onnx' now raises ImportError
    assert main(["export", "--checkpoint", str(tiny_run / "checkpoint.pt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exporting needs onnx: pip install 'gan-lab[export]'" in err
