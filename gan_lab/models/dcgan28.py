"""The DCGAN of TensorFlow's MNIST tutorial, at 28x28: where the MLP meets convolutions.

References:
- Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural networks" (the
  Glorot-uniform initialisation, Keras' default and so the tutorial's).
- Radford et al. 2015, "Unsupervised Representation Learning with Deep Convolutional GANs" (strided
  (transposed) convolutions instead of pooling, BatchNorm in the generator, LeakyReLU in the discriminator).
- TensorFlow's tutorial "Deep Convolutional Generative Adversarial Network"
  (https://www.tensorflow.org/tutorials/generative/dcgan): this exact design in Keras, trained with
  Adam(1e-4) (Keras' default beta1 = 0.9), batch 256, 50 epochs. The registry keeps its batch but trains
  with Radford et al.'s Adam (2e-4, beta1 0.5), the faster of the two at equal steps (``gan_lab.models``).

Keras -> PyTorch: ``Conv2DTranspose(k=5, stride 2, padding="same")`` is ``ConvTranspose2d(5, 2, padding=2,
output_padding=1)`` (it doubles the size); ``Conv2D(k=5, stride 2, "same")`` is ``Conv2d(5, 2, padding=2)``
(it halves it); Keras' ``LeakyReLU()`` has slope 0.3 and its BatchNormalization momentum 0.99 and epsilon
1e-3, which are PyTorch's ``momentum=0.01, eps=1e-3``. The weights start as Keras' do (:func:`keras_init`):
Glorot-uniform kernels and zero biases (Glorot & Bengio 2010), not PyTorch's default, whose bounds are up to
about 5x wider here (the Dense 100 -> 12544 layer: 1/sqrt(100) = 0.1 against Glorot's 0.022).

Parameter counts (latent_dim=100, 28x28x1): generator 2,305,472; discriminator 212,865, the tutorial's
own trainable counts (pinned by tests/test_models.py).
"""

from __future__ import annotations

import torch
from torch import nn

from gan_lab.models._inputs import check_images, check_sizes, check_z

SLOPE = 0.3  # Keras' LeakyReLU default, kept from the tutorial


def keras_init(module: nn.Module) -> None:
    """Keras' default initialisation: Glorot-uniform kernels, U(-b, b) with b = sqrt(6 / (fan_in + fan_out)),
    zero biases, BatchNorm scale 1 and shift 0. Use as ``model.apply(keras_init)``.

    For a (transposed) convolution the fans are k*k*in_channels and k*k*out_channels, as in Keras; their sum,
    hence the bound, does not depend on which one a layout calls fan_in.
    """
    if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.modules.batchnorm._BatchNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


def _bn(features: int, dims: int) -> nn.Module:
    cls = nn.BatchNorm1d if dims == 1 else nn.BatchNorm2d
    return cls(features, eps=1e-3, momentum=0.01)  # Keras' BatchNormalization defaults


class DCGAN28Generator(nn.Module):
    """z (N, latent_dim) -> image (N, channels, 28, 28) in [-1, 1]."""

    def __init__(self, latent_dim: int = 100, channels: int = 1) -> None:
        super().__init__()
        check_sizes(latent_dim=latent_dim, channels=channels)
        self.latent_dim = latent_dim
        # no biases before BatchNorm: its shift replaces them (the tutorial's use_bias=False)
        self.project = nn.Sequential(
            nn.Linear(latent_dim, 7 * 7 * 256, bias=False),  # (N, 12544)
            _bn(7 * 7 * 256, 1),
            nn.LeakyReLU(SLOPE),
        )
        self.net = nn.Sequential(
            nn.ConvTranspose2d(256, 128, 5, 1, padding=2, bias=False),  # (N, 128, 7, 7)
            _bn(128, 2),
            nn.LeakyReLU(SLOPE),
            nn.ConvTranspose2d(128, 64, 5, 2, padding=2, output_padding=1, bias=False),  # (N, 64, 14, 14)
            _bn(64, 2),
            nn.LeakyReLU(SLOPE),
            nn.ConvTranspose2d(64, channels, 5, 2, padding=2, output_padding=1, bias=False),  # (N, C, 28, 28)
            nn.Tanh(),  # [-1, 1], the range of the data
        )
        self.apply(keras_init)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        check_z(self, z, self.latent_dim)
        h = self.project(z).view(z.shape[0], 256, 7, 7)  # (N, 256, 7, 7)
        return self.net(h)


class DCGAN28Discriminator(nn.Module):
    """image (N, channels, 28, 28) -> one logit per image (N, 1). No sigmoid: losses take logits."""

    def __init__(self, channels: int = 1) -> None:
        super().__init__()
        check_sizes(channels=channels)
        self.channels = channels
        self.net = nn.Sequential(
            nn.Conv2d(channels, 64, 5, 2, padding=2),  # (N, 64, 14, 14)
            nn.LeakyReLU(SLOPE),
            nn.Dropout(0.3),  # the tutorial's element-wise dropout
            nn.Conv2d(64, 128, 5, 2, padding=2),  # (N, 128, 7, 7)
            nn.LeakyReLU(SLOPE),
            nn.Dropout(0.3),
            nn.Flatten(),  # (N, 6272)
            nn.Linear(128 * 7 * 7, 1),  # (N, 1) logit
        )
        self.apply(keras_init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_images(self, x, self.channels, 28)
        return self.net(x)
