"""The ways a GAN's training step is run in the benchmarks, each as ``run(n)``: n full steps (D step + G step).

(a) ``tutorial``: the loop a tutorial writes (PyTorch's DCGAN example, adapted to logits):
    ``torchvision.datasets.MNIST`` read from IDX files with ToTensor/Resize/Normalize transforms, a
    ``DataLoader``, two discriminator passes with two backward calls, and ``.item()`` logging every step.
(b) ``bare``: the same model, optimizer and steps over a tensor-resident dataset (a random permutation
    per epoch), no DataLoader, no per-step host sync.
(c) ``gan_lab``: the loop ``gan-lab train`` runs (``gan_lab.train.train_one_epoch`` on a ``TrainState``
    built from a ``TrainConfig``) with the defaults; ``gan_lab_fast`` with the fast path on
    (``--fused-adam --joint-d-pass``); ``gan_lab_amp`` with the fast path and ``--amp`` (bfloat16
    autocast), only where the device computes bf16 natively (``gan_lab.runtime.bf16_native``).
    Steps are counted over whole epochs of a tensor-resident dataset.

Offline, the IDX files that (a) reads are written from the shipped sample (or copied from a full MNIST
folder), so (a)'s data path is torchvision's real one. References: Radford et al. 2016 (DCGAN) and the
PyTorch DCGAN example for (a); torch's ``FlopCounterMode`` for the counted FLOPs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

WAYS = ("tutorial", "bare", "gan_lab", "gan_lab_fast", "gan_lab_amp")
FAST = ("fused_adam", "joint_d_pass")  # the CPU fast path; GPU options are added with --options
OPTIONS = {"gan_lab": (), "gan_lab_fast": FAST, "gan_lab_amp": (*FAST, "amp")}
BATCH = {"mlp": 64, "conv64": 128, "dcgan": 128, "dcgan28": 256}


def ways_on(device: str) -> tuple[str, ...]:
    """The ways that run on ``device``: all but ``gan_lab_amp`` where bf16 would be emulated (slower)."""
    import torch

    from gan_lab.runtime import bf16_native

    return WAYS if bf16_native(torch.device(device)) else WAYS[:-1]


def write_idx(root: Path, data_dir: str = "") -> Path:
    """MNIST as torchvision's ``MNIST/raw`` IDX files under ``root``: the full set if found, else the sample."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    names = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    source = Path(data_dir) / "MNIST" / "raw" if data_dir else None
    if source is not None and all((source / n).is_file() for n in names):
        for n in names:
            shutil.copyfile(source / n, raw / n)
        return root
    import numpy as np

    from gan_lab.data import load_sample_uint8

    for prefix, split in (("train", "train"), ("t10k", "heldout")):
        images, labels = load_sample_uint8(split)
        n, h, w = images.shape
        # IDX: magic (0x0803 images, 0x0801 labels), big-endian int32 sizes, then the raw uint8 bytes
        header = np.array([0x0803, n, h, w], dtype=">i4").tobytes()
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(header + images.astype(np.uint8).tobytes())
        header = np.array([0x0801, n], dtype=">i4").tobytes()
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(header + labels.astype(np.uint8).tobytes())
    return root


def setup(model: str, device: str, seed: int = 0):
    import torch

    from gan_lab.models import IMAGE_SIZES, build_models

    torch.manual_seed(seed)
    generator, discriminator = build_models(model)
    generator, discriminator = generator.to(device), discriminator.to(device)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    return generator, discriminator, opt_g, opt_d, IMAGE_SIZES[model]


def tutorial_step(generator, discriminator, opt_g, opt_d, x_real, sync: bool):
    """One step as tutorials write it: D on real, D on detached fake, two backward calls, then G."""
    import torch
    import torch.nn.functional as F

    n = x_real.shape[0]
    ones = torch.ones(n, 1, device=x_real.device)
    zeros = torch.zeros(n, 1, device=x_real.device)
    discriminator.zero_grad()
    loss_real = F.binary_cross_entropy_with_logits(discriminator(x_real), ones)
    loss_real.backward()
    x_fake = generator(torch.randn(n, 100, device=x_real.device))
    loss_fake = F.binary_cross_entropy_with_logits(discriminator(x_fake.detach()), zeros)
    loss_fake.backward()
    opt_d.step()
    generator.zero_grad()
    loss_g = F.binary_cross_entropy_with_logits(discriminator(x_fake), ones)
    loss_g.backward()
    opt_g.step()
    if sync:  # the per-step logging line of every tutorial: one host sync per value
        return (loss_real + loss_fake).item(), loss_g.item()
    return None


def _batches_forever(make_epoch):
    while True:
        yield from make_epoch()


def _gan_lab_epoch(model: str, steps: int, device: str, options: tuple[str, ...]):
    """``run(n)``: ``train_one_epoch`` over n batches, on one TrainState built as ``gan-lab train`` builds it."""
    import torch

    from gan_lab.checkpoint import TrainState
    from gan_lab.config import TrainConfig
    from gan_lab.data import load_dataset
    from gan_lab.train import train_one_epoch, training_nets

    # the tutorial step's maths (no moving average, no smoothing), whatever the model's defaults
    cfg = TrainConfig(
        model=model, batch_size=BATCH[model], device=device, ema=0.0, real_label=1.0, **dict.fromkeys(options, True)
    )
    cfg = cfg.resolved()
    images = load_dataset("sample", cfg.image_size, device=device).images  # (N, 1, size, size), resident
    images = images.repeat(-(-steps * cfg.batch_size // len(images)), 1, 1, 1)  # at least ``steps`` batches
    if cfg.channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    torch.manual_seed(0)
    state = TrainState.create(cfg, 1, torch.device(device))
    nets = training_nets(state)
    # the epoch's one host sync; a fixed head of the images: the permutation is of the n batches' images
    return lambda n: train_one_epoch(state, images[: n * cfg.batch_size], nets=nets).sum().item()


def runner(way: str, model: str, steps: int, device: str, idx_root: str, options: tuple[str, ...] = ()):
    """``run(n)``: n full training steps (D step + G step) done ``way`` (n <= ``steps`` for gan_lab)."""
    import torch

    batch = BATCH[model]
    if way.startswith("gan_lab"):
        extra = OPTIONS[way] + options if way != "gan_lab" else ()  # --options go on top of the fast path
        return _gan_lab_epoch(model, steps, device, extra)
    generator, discriminator, opt_g, opt_d, size = setup(model, device)
    if way == "tutorial":
        from torch.utils.data import DataLoader
        from torchvision import datasets, transforms

        tf = [transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))]
        if size != 28:
            tf.insert(0, transforms.Resize(size))
        data = datasets.MNIST(idx_root, train=True, download=False, transform=transforms.Compose(tf))
        loader = DataLoader(data, batch_size=batch, shuffle=True, drop_last=True)
        stream = (x.to(device) for x, _ in _batches_forever(lambda: iter(loader)))

        def step() -> None:
            tutorial_step(generator, discriminator, opt_g, opt_d, next(stream), sync=True)

    else:
        from gan_lab.data import batches, load_dataset

        images = load_dataset("sample", size, device=device).images  # (N, 1, size, size), resident
        rng = torch.Generator().manual_seed(0)
        stream = _batches_forever(lambda: batches(images, batch, rng))

        def step() -> None:
            tutorial_step(generator, discriminator, opt_g, opt_d, next(stream), sync=False)

    def run(n: int) -> None:
        for _ in range(n):
            step()

    return run


def flops_per_image(model: str) -> float:
    """FLOPs of one training step (D step + G step, forward and backward) per image, counted by torch."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    generator, discriminator, opt_g, opt_d, size = setup(model, "cpu")
    x_real = torch.rand(4, 1, size, size) * 2 - 1
    with FlopCounterMode(display=False) as counter:
        tutorial_step(generator, discriminator, opt_g, opt_d, x_real, sync=False)
    return counter.get_total_flops() / 4
