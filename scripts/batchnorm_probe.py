"""Is a BatchNorm generator's poor score its running statistics? Score one checkpoint's trained generator three ways.

    python scripts/batchnorm_probe.py CHECKPOINT [N]

eval mode (the running statistics training kept), eval mode after ``recalibrate_batchnorm`` (statistics
recomputed from its own outputs), and train mode (each batch of 500 normalised by itself). Equal scores
say the statistics are not what holds the generator back. Prints IS and the class histogram of N images.
"""

from __future__ import annotations

import copy
import sys

import torch

from gan_lab.checkpoint import load_run
from gan_lab.classifier import load_classifier
from gan_lab.ema import recalibrate_batchnorm
from gan_lab.evaluate import classify, generate
from gan_lab.metrics import inception_score, mode_coverage


def main() -> None:
    torch.set_num_threads(1)
    run = load_run(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    classifier, latent_dim = load_classifier(), run.config.latent_dim
    ways = {
        "eval mode (running statistics)": run.generator,
        "eval mode, recalibrated": recalibrate_batchnorm(copy.deepcopy(run.generator), latent_dim, seed=2),
        "train mode (batch statistics)": copy.deepcopy(run.generator).train(),
    }
    for name, generator in ways.items():
        _, logits = classify(classifier, generate(generator, n, latent_dim, 0, torch.device("cpu")))
        coverage = mode_coverage(logits.argmax(1))
        print(f"{name}: IS {inception_score(logits)[0]:.2f}, histogram {coverage['histogram']}")


if __name__ == "__main__":
    main()
