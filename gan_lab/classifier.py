"""The metrics' digit classifier: its committed weights, loading them, and training it (``gan-lab train-classifier``).

The network itself is ``gan_lab.models.classifier.MNISTClassifier`` (LeCun et al. 1998). Training uses
the classic MNIST augmentation of small random affine distortions (Simard, Steinkraus & Platt 2003).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.models.classifier import MNISTClassifier
from gan_lab.runtime import GanLabError, first_line

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
WEIGHTS_PATH = WEIGHTS_DIR / "mnist_classifier.pt"
RECORD_PATH = WEIGHTS_DIR / "mnist_classifier.json"


def augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random small affine distortions of a batch (N, 1, 28, 28) in [-1, 1]: the classic MNIST augmentation.

    Rotation +-12 degrees, scale 0.9-1.1, shear +-0.15, shift +-2.5 pixels, drawn per image from
    ``generator``. Padding is the background value -1, so a shifted digit never drags in a white border.
    """
    n = x.shape[0]

    def uniform(low: float, high: float) -> torch.Tensor:
        return low + (high - low) * torch.rand(n, generator=generator)

    angle = uniform(-12.0, 12.0) * math.pi / 180.0
    scale = uniform(0.9, 1.1)
    shear = uniform(-0.15, 0.15)
    shift = uniform(-2.5, 2.5), uniform(-2.5, 2.5)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(  # (N, 2, 3): maps output coordinates in [-1, 1] to input coordinates
        [
            torch.stack([cos, -sin + shear, shift[0] * 2 / 28], 1),
            torch.stack([sin, cos, shift[1] * 2 / 28], 1),
        ],
        1,
    ).to(x)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)  # (N, 28, 28, 2)
    # grid_sample pads with zeros, so shift to [0, 2] (background 0), sample, and shift back
    return F.grid_sample(x + 1.0, grid, mode="bilinear", padding_mode="zeros", align_corners=False) - 1.0


@torch.no_grad()
def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 1000) -> float:
    """Fraction of ``images`` (N, 1, 28, 28) in [-1, 1] that ``model`` labels correctly."""
    model.eval()
    correct = 0
    for start in range(0, len(images), batch_size):
        correct += (
            (model(images[start : start + batch_size]).argmax(1) == labels[start : start + batch_size]).sum().item()
        )
    return correct / max(1, len(images))


def fit_classifier(
    images: torch.Tensor,
    labels: torch.Tensor,
    epochs: int = 40,
    batch_size: int = 128,
    lr: float = 2e-3,
    seed: int = 0,
    use_augment: bool = True,
    log: Callable[[str], None] = print,
) -> MNISTClassifier:
    r"""Train a classifier on ``images`` (N, 1, 28, 28) in [-1, 1]: Adam, cosine learning-rate decay.

    Plain cross-entropy $\mathcal{L} = -\frac{1}{N}\sum_i \log \operatorname{softmax}(f(x_i))_{y_i}$,
    without label smoothing: smoothing caps the confidence on every digit, and with it the Inception
    Score of real digits, so no generator could approach 10.
    """
    torch.manual_seed(seed)
    rng = torch.Generator().manual_seed(seed)
    model = MNISTClassifier().to(images.device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps_per_epoch = max(1, len(images) // batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * steps_per_epoch)
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(len(images), generator=rng).to(images.device)
        total = 0.0
        for step in range(steps_per_epoch):
            idx = perm[step * batch_size : (step + 1) * batch_size]
            x = augment(images[idx], rng) if use_augment else images[idx]  # (B, 1, 28, 28)
            loss = F.cross_entropy(model(x), labels[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        log(f"epoch {epoch}/{epochs}  loss {total / steps_per_epoch:.4f}")
    return model.eval()


def load_classifier(path: str | Path = WEIGHTS_PATH, device: str | torch.device = "cpu") -> MNISTClassifier:
    """The classifier saved at ``path`` (by default the committed weights), in eval mode on ``device``."""
    path = Path(path)
    if not path.is_file():
        raise GanLabError(f"no classifier weights at {path}: run 'gan-lab train-classifier' to make them")
    try:
        state = torch.load(path, map_location=device, weights_only=True)
        if isinstance(state, dict) and "generator" in state:
            raise GanLabError(f"{path} is a training checkpoint ('gan-lab train'), not classifier weights")
        model = MNISTClassifier()
        model.load_state_dict(state)
    except GanLabError:
        raise
    except Exception as err:  # corrupt file, wrong keys or shapes: all mean "not our weights"
        raise GanLabError(f"{path} is not a readable gan_lab classifier ({first_line(err)})") from err
    return model.to(device).eval()
