"""Benchmarks, reported as ratios against a baseline measured in the same run (machines are noisy).

1. Data pipeline: one epoch of 64x64 batches from the in-memory tensor (gan_lab.data.batches) versus
   the usual torchvision pipeline (Dataset + per-image PIL Resize/ToTensor/Normalize + DataLoader).
2. Training step statistics: four scalars kept on the device and read once per epoch versus
   ``.item()`` after every step (a host sync per step; on a GPU it stalls the launch queue).

Usage: ``make bench`` (or ``python benchmarks/run.py --repeats 3``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from PIL import Image

from gan_lab.data import batches, load_dataset, load_sample_uint8
from gan_lab.models import build_models
from gan_lab.runtime import pick_device
from gan_lab.train import d_step, g_step


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_data(repeats: int, epochs: int = 5, batch_size: int = 128) -> tuple[float, float]:
    from torch.utils.data import DataLoader
    from torchvision import transforms

    images, _ = load_sample_uint8("train")
    tf = transforms.Compose([transforms.Resize(64), transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])

    class PilDataset(torch.utils.data.Dataset):
        def __len__(self) -> int:
            return len(images)

        def __getitem__(self, i: int) -> torch.Tensor:
            return tf(Image.fromarray(images[i]))

    loader = DataLoader(PilDataset(), batch_size=batch_size, shuffle=True, drop_last=True)

    def baseline() -> None:
        for _ in range(epochs):
            for _ in loader:
                pass

    def ours() -> None:
        data = load_dataset("sample", 64)  # the one-off load and resize of the whole set is counted
        rng = torch.Generator().manual_seed(0)
        for _ in range(epochs):
            for _ in batches(data.images, batch_size, rng):
                pass

    return best_of(baseline, repeats), best_of(ours, repeats)


def bench_stats(repeats: int, steps: int = 30) -> tuple[float, float]:
    device = pick_device("auto")
    torch.manual_seed(0)
    generator, discriminator = build_models("mlp")
    generator, discriminator = generator.to(device), discriminator.to(device)
    opt_g = torch.optim.Adam(generator.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), 2e-4, betas=(0.5, 0.999))
    x_real = torch.rand(64, 1, 28, 28, device=device) * 2 - 1

    def run(sync_every_step: bool) -> None:
        stats = torch.zeros(steps, 2, device=device)
        for i in range(steps):
            x_fake = generator(torch.randn(64, 100, device=device))
            out_d = d_step(discriminator, opt_d, x_real, x_fake)
            out_g = g_step(discriminator, opt_g, x_fake)
            if sync_every_step:
                _ = (out_d["loss_d"].item(), out_g["loss_g"].item())
            else:
                stats[i] = torch.stack([out_d["loss_d"], out_g["loss_g"]])
        stats.cpu()

    return best_of(lambda: run(True), repeats), best_of(lambda: run(False), repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs (default: 3)")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {pick_device('auto')}")
    base, ours = bench_data(args.repeats)
    print(
        f"data, 5 epochs of 4,000 digits at 64x64 (incl. the one-off load): DataLoader+PIL {base:.3f} s, in-memory tensor {ours:.3f} s, speed-up x{base / ours:.1f}"
    )
    base, ours = bench_stats(args.repeats)
    print(
        f"30 MLP training steps: .item() every step {base:.3f} s, on-device stats {ours:.3f} s, ratio x{base / ours:.2f}"
    )
    np.set_printoptions(precision=3)


if __name__ == "__main__":
    main()
