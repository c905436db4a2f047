"""Class-conditional GAN for MNIST 28x28: a generator told which digit to draw, and two discriminators.

References:
- Mirza & Osindero 2014, "Conditional Generative Adversarial Nets" (the label y is given to both
  networks by concatenation: G(z, y) and D(x, y)).
- Miyato & Koyama 2018, "cGANs with Projection Discriminator" (D(x, y) = psi(phi(x)) + <embed(y), phi(x)>).
- Radford et al. 2015 (the convolutional layers: strided convolutions, BatchNorm, ReLU/LeakyReLU, tanh).

The generator concatenates a one-hot y to z (Mirza & Osindero). The discriminator comes in two kinds:
- :class:`ProjectionDiscriminator` (model ``cgan``, the default): the label enters only at the end, as
  the inner product of a learned class embedding with the image features. Miyato & Koyama show that this
  is the form the optimal discriminator takes when p(y|x) is log-linear in the features, and that it beats
  concatenation on class agreement and FID; it also adds no input channels, so the features are shared
  by all classes.
- :class:`ConcatDiscriminator` (model ``cgan-concat``): y as 10 one-hot channel maps beside the image
  (Mirza & Osindero's concatenation, at the input of a convolutional network).
The two are measured side by side on full MNIST in ``book/results/conditional_mnist*.json``.

Both discriminators take (x, labels) and return one logit per image; the generator takes (z, labels).
``labels=None`` in the generator means the classes in turn (0, 1, ..., 9, 0, ...): code written for
unconditional generators (progress grids, BatchNorm recalibration, evaluation) then gets a balanced batch.

Parameter counts with the defaults (latent_dim=100, 10 classes, 1 channel): generator 834,689;
projection discriminator 201,409; concatenation discriminator 148,929 (pinned by tests/test_conditional.py).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.models._inputs import check_images, check_labels, check_sizes, check_z, labelled
from gan_lab.models.dcgan import dcgan_init

NUM_CLASSES = 10


def default_labels(n: int, num_classes: int, device: torch.device) -> torch.Tensor:
    """The classes in turn, (n,) int64: 0, 1, ..., num_classes - 1, 0, 1, ..."""
    return torch.arange(n, device=device) % num_classes


class ConditionalGenerator(nn.Module):
    """(z (N, latent_dim), labels (N,) int64) -> image (N, channels, 28, 28) in [-1, 1]."""

    def __init__(self, latent_dim: int = 100, num_classes: int = NUM_CLASSES, ngf: int = 64, channels: int = 1) -> None:
        super().__init__()
        check_sizes(latent_dim=latent_dim, num_classes=num_classes, ngf=ngf, channels=channels)
        self.latent_dim, self.num_classes = latent_dim, num_classes
        self.project = nn.Sequential(
            # bias=False: the BatchNorm that follows subtracts the mean, which would cancel a bias
            nn.Linear(latent_dim + num_classes, ngf * 2 * 7 * 7, bias=False),  # (N, 6272)
            nn.BatchNorm1d(ngf * 2 * 7 * 7),
            nn.ReLU(True),
        )
        self.net = nn.Sequential(
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),  # (N, 64, 14, 14)
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, channels, 4, 2, 1),  # (N, channels, 28, 28)
            nn.Tanh(),
        )
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        check_z(self, z, self.latent_dim)
        if labels is None:
            labels = default_labels(z.shape[0], self.num_classes, z.device)
        check_labels(labels, z.shape[0], self.num_classes)
        y = labelled(self.num_classes, lambda: F.one_hot(labels, self.num_classes)).to(z.dtype)  # (N, 10)
        h = self.project(torch.cat([z, y], 1))  # (N, 6272)
        return self.net(h.view(z.shape[0], -1, 7, 7))  # (N, 128, 7, 7) -> (N, channels, 28, 28)


def _features(c_in: int, ndf: int) -> nn.Sequential:
    """phi(x): (N, c_in, 28, 28) -> (N, ndf * 2 * 7 * 7), DCGAN-style (no BatchNorm on the input layer)."""
    return nn.Sequential(
        nn.Conv2d(c_in, ndf, 4, 2, 1),  # (N, 64, 14, 14)
        nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),  # (N, 128, 7, 7)
        nn.BatchNorm2d(ndf * 2),
        nn.LeakyReLU(0.2, True),
        nn.Flatten(),  # (N, 6272)
    )


class ProjectionDiscriminator(nn.Module):
    r"""(x (N, channels, 28, 28), labels (N,)) -> one logit per image (N, 1) (Miyato & Koyama 2018).

    $$D(x, y) = \psi(\phi(x)) + \langle e_y, \phi(x) \rangle$$

    with $\phi$ the convolutional features, $\psi$ a linear layer (the unconditional part) and $e_y$ a
    learned embedding of the class (the conditional part).
    """

    def __init__(self, num_classes: int = NUM_CLASSES, ndf: int = 64, channels: int = 1) -> None:
        super().__init__()
        check_sizes(num_classes=num_classes, ndf=ndf, channels=channels)
        self.channels, self.num_classes = channels, num_classes
        self.phi = _features(channels, ndf)
        width = ndf * 2 * 7 * 7
        self.psi = nn.Linear(width, 1)
        self.embed = nn.Embedding(num_classes, width)
        nn.init.normal_(self.embed.weight, 0.0, 0.02)  # start near the unconditional discriminator
        self.apply(dcgan_init)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        check_images(self, x, self.channels, 28)
        check_labels(labels, x.shape[0], self.num_classes)
        h = self.phi(x)  # (N, 6272)
        return self.psi(h) + (labelled(self.num_classes, lambda: self.embed(labels)) * h).sum(1, keepdim=True)  # (N, 1)


class ConcatDiscriminator(nn.Module):
    """(x (N, channels, 28, 28), labels (N,)) -> one logit per image (N, 1) (Mirza & Osindero 2014).

    The label is concatenated to the image as ``num_classes`` constant channel maps, one-hot.
    """

    def __init__(self, num_classes: int = NUM_CLASSES, ndf: int = 64, channels: int = 1) -> None:
        super().__init__()
        check_sizes(num_classes=num_classes, ndf=ndf, channels=channels)
        self.channels, self.num_classes = channels, num_classes
        self.phi = _features(channels + num_classes, ndf)
        self.out = nn.Linear(ndf * 2 * 7 * 7, 1)
        self.apply(dcgan_init)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        check_images(self, x, self.channels, 28)
        check_labels(labels, x.shape[0], self.num_classes)
        y = labelled(self.num_classes, lambda: F.one_hot(labels, self.num_classes)).to(x.dtype)  # (N, 10)
        maps = y[:, :, None, None].expand(-1, -1, *x.shape[-2:])  # (N, 10, 28, 28)
        return self.out(self.phi(torch.cat([x, maps], 1)))  # (N, 1)
