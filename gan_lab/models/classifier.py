"""A small LeNet-like MNIST classifier: the feature network of ``gan_lab.metrics``.

References:
- LeCun et al. 1998, "Gradient-based learning applied to document recognition" (LeNet-5: two
  convolution + pooling stages, then fully connected layers).
- Heusel et al. 2017 (FID) and Salimans et al. 2016 (Inception Score) use an ImageNet Inception-v3;
  on MNIST a digit classifier is the domain-appropriate stand-in, and its weights are small enough
  to ship with the package (Inception weights cannot be downloaded here anyway).

Input: (N, 1, 28, 28) images in [-1, 1], the range of ``gan_lab.data`` and of the generators' tanh.
Outputs: ``features`` (N, 64), the penultimate layer after its ReLU, used by FID, KID and
precision/recall; ``logits`` (N, 10), used by the Inception Score and mode coverage.

Its committed weights, their loading and its training are in ``gan_lab.classifier``.
"""

from __future__ import annotations

import torch
from torch import nn

from gan_lab.models._inputs import check_images, check_sizes

FEATURE_DIM = 64
NUM_CLASSES = 10


class MNISTClassifier(nn.Module):
    """image (N, 1, 28, 28) in [-1, 1] -> logits (N, 10); ``features`` gives the (N, 64) embedding."""

    def __init__(self, feature_dim: int = FEATURE_DIM, num_classes: int = NUM_CLASSES) -> None:
        super().__init__()
        check_sizes(feature_dim=feature_dim, num_classes=num_classes)
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 5, padding=2),  # (N, 32, 28, 28): padding 2 keeps the size with kernel 5
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),  # (N, 32, 14, 14)
            nn.Conv2d(32, 48, 5),  # (N, 48, 10, 10)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),  # (N, 48, 5, 5)
            nn.Flatten(),  # (N, 1200)
            nn.Linear(48 * 5 * 5, feature_dim),  # (N, 64)
            nn.ReLU(inplace=True),  # features are taken here, after the non-linearity (like Inception's pool3)
        )
        # dropout only before the last layer: it regularises the classifier on 4,000 digits without
        # changing the features, which are read in eval mode anyway
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(feature_dim, num_classes))  # (N, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate-layer embedding (N, 64) of images (N, 1, 28, 28) in [-1, 1]."""
        check_images(self, x, 1, 28)
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_images(self, x, 1, 28)
        return self.head(self.body(x))  # (N, 10) logits

    def features_and_logits(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Both outputs from one forward pass: ((N, 64), (N, 10))."""
        check_images(self, x, 1, 28)
        h = self.body(x)
        return h, self.head(h)
