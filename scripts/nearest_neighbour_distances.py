"""How close a run's samples sit to the training digits: the distribution behind the nearest-neighbour figure.

`gan-lab evaluate` stores only the median pixel distance of 1,000 samples to their nearest training digit,
beside the same median for held-out real digits. A median does not say how many samples are near-copies,
so this script recomputes both distributions with the same samples (`gan_lab.evaluate.generate`, the
evaluation's seed) and the same distance (`gan_lab.evalplots.nearest_neighbours`, after the classifier's
resize), and writes their quantiles, the distances of the pairs the figure shows, and the share of samples
closer to a training digit than a given fraction of held-out real digits are (a generator of new digits
would put about that same fraction there; a copying one puts many more).

    python scripts/nearest_neighbour_distances.py CHECKPOINT OUT.json [--n 1000] [--seed 0] [--data-dir DIR]

The checkpoint is evaluated on the data set it was trained on; pixel distances do not involve the classifier.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from gan_lab.checkpoint import load_run
from gan_lab.data import load_dataset
from gan_lab.evalplots import nearest_neighbours
from gan_lab.evaluate import generate, to_classifier_input
from gan_lab.runtime import atomic_write_text

QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75)
SHOWN = 16  # pairs in the figure `gan-lab evaluate --figures` writes: the first 16 samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint")
    parser.add_argument("out")
    parser.add_argument("--n", type=int, default=1000, help="samples and held-out digits (as gan-lab evaluate)")
    parser.add_argument("--seed", type=int, default=0, help="the evaluation's seed (its z)")
    parser.add_argument("--data-dir", default="", help="where full MNIST is (default: the checkpoint's)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    run = load_run(args.checkpoint, torch.device("cpu"))
    cfg = run.config
    data_dir = args.data_dir or cfg.data_dir
    train = load_dataset(cfg.dataset, cfg.image_size, data_dir, "cpu", "train")
    heldout = load_dataset(cfg.dataset, cfg.image_size, data_dir, "cpu", "heldout")
    m = min(args.n, len(heldout))
    with torch.no_grad():
        fakes = generate(run.sampler, m, cfg.latent_dim, args.seed, torch.device("cpu"))  # (m, C, H, W)
    pool = to_classifier_input(train.images)  # (M, 1, 28, 28)
    d_fake, _ = nearest_neighbours(to_classifier_input(fakes), pool)  # (m,)
    # the held-out digits gan-lab evaluate draws: its seeded stream first picks the floor's training digits
    rng = torch.Generator().manual_seed(args.seed)
    torch.randperm(len(train), generator=rng)
    held = heldout.images[torch.randperm(len(heldout), generator=rng)[:m]]
    d_held, _ = nearest_neighbours(to_classifier_input(held), pool)  # (m,)
    q = torch.tensor(QUANTILES, dtype=torch.float64)
    held_q = torch.quantile(d_held, q, interpolation="lower")  # "lower": the median is torch.median's, as evaluate's
    result = {
        "command": f"python scripts/nearest_neighbour_distances.py <run folder>/checkpoint.pt <out> --n {args.n} --seed {args.seed}",
        "model": cfg.model,
        "dataset": train.description,
        "epochs": run.epoch,
        "n": m,
        "distance": "L2 in pixels of 28x28 images in [-1, 1] (the classifier's input), to the nearest training digit",
        "generated_quantiles": dict(
            zip(map(str, QUANTILES), torch.quantile(d_fake, q, interpolation="lower").tolist(), strict=True)
        ),
        "heldout_quantiles": dict(zip(map(str, QUANTILES), held_q.tolist(), strict=True)),
        # share of samples closer to a training digit than the closest 5% / 10% / ... of held-out digits are
        "generated_below_heldout_quantile": {
            str(p): float((d_fake < h).double().mean()) for p, h in zip(QUANTILES, held_q.tolist(), strict=True)
        },
        "shown_pairs": d_fake[:SHOWN].tolist(),
    }
    atomic_write_text(Path(args.out), json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
