"""Shapes, parameter counts, logits and initialisation of the eight networks."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from gan_lab.models import IMAGE_SIZES, DCGANDiscriminator, DCGANGenerator, build_models, count_parameters

# (model, channels) -> (generator parameters, discriminator parameters); the same figures are written in
# each module's docstring, so a change to an architecture shows up here and there together.
PARAMETER_COUNTS = {
    ("mlp", 1): (1_488_144, 533_505),
    ("dcgan28", 1): (2_305_472, 212_865),  # the Keras tutorial's model.summary() trainable counts
    ("conv64", 1): (999_905, 99_201),
    ("dcgan", 1): (3_574_656, 2_763_520),
    ("dcgan", 3): (3_576_704, 2_765_568),
}


@pytest.mark.parametrize(("name", "channels"), list(PARAMETER_COUNTS))
@pytest.mark.parametrize("batch", [2, 5])
def test_shapes(name: str, channels: int, batch: int) -> None:
    generator, discriminator = build_models(name, latent_dim=100, channels=channels)
    size = IMAGE_SIZES[name]
    x_fake = generator(torch.randn(batch, 100))
    assert x_fake.shape == (batch, channels, size, size)
    assert x_fake.min() >= -1 and x_fake.max() <= 1  # tanh output
    assert discriminator(x_fake).shape == (batch, 1)


@pytest.mark.parametrize(("name", "channels"), list(PARAMETER_COUNTS))
def test_parameter_counts(name: str, channels: int) -> None:
    generator, discriminator = build_models(name, channels=channels)
    assert (count_parameters(generator), count_parameters(discriminator)) == PARAMETER_COUNTS[(name, channels)]
    module = __import__(f"gan_lab.models.{name}", fromlist=["_"])
    g, d = PARAMETER_COUNTS[(name, channels)]
    assert f"{g:,}" in " ".join(module.__doc__.split()) and f"{d:,}" in " ".join(module.__doc__.split())


@pytest.mark.parametrize("name", ["mlp", "dcgan28", "conv64", "dcgan"])
def test_latent_dim_is_honoured(name: str) -> None:
    generator, _ = build_models(name, latent_dim=16)
    assert generator(torch.randn(3, 16)).shape[0] == 3


@pytest.mark.parametrize("name", ["mlp", "dcgan28", "conv64", "dcgan"])
def test_discriminator_returns_logits(name: str) -> None:
    """No sigmoid at the end: scores outside [0, 1] occur, and the last module is not a Sigmoid."""
    torch.manual_seed(0)
    _, discriminator = build_models(name)
    assert not isinstance(list(discriminator.modules())[-1], nn.Sigmoid)
    assert not any(isinstance(m, nn.Sigmoid) for m in discriminator.modules())
    size = IMAGE_SIZES[name]
    x = torch.randn(16, 1, size, size) * 5
    discriminator.eval()
    for p in discriminator.parameters():  # scale the weights up so logits leave [0, 1] if they can
        p.data.mul_(3)
    out = discriminator(x)
    assert (out < 0).any() or (out > 1).any()


def test_conv64_follows_the_reference_design() -> None:
    generator, discriminator = build_models("conv64")
    assert generator.project.in_features == 100 and generator.project.out_features == 128 * 8 * 8
    convt = [m for m in generator.modules() if isinstance(m, nn.ConvTranspose2d)]
    assert [(m.in_channels, m.out_channels) for m in convt] == [(128, 64), (64, 32), (32, 16), (16, 1)]
    convs = [m for m in discriminator.modules() if isinstance(m, nn.Conv2d)]
    assert [(m.in_channels, m.out_channels, m.stride) for m in convs] == [
        (1, 16, (2, 2)),
        (16, 32, (2, 2)),
        (32, 64, (2, 2)),
        (64, 128, (2, 2)),
    ]
    assert sum(isinstance(m, nn.Dropout2d) and m.p == 0.3 for m in discriminator.modules()) == 4
    assert [m.in_features for m in discriminator.modules() if isinstance(m, nn.Linear)] == [2048]
    # feature-map sizes after each block: 32, 16, 8, 4
    sizes, h = [], torch.zeros(1, 1, 64, 64)
    for m in discriminator.net:
        h = m(h)
        if isinstance(m, nn.Conv2d):
            sizes.append(h.shape[-1])
    assert sizes == [32, 16, 8, 4]


def test_dcgan_init_is_applied() -> None:
    """Radford et al.: conv weights ~ N(0, 0.02), BatchNorm scale ~ N(1, 0.02). PyTorch's default
    (Kaiming uniform) would give a much larger spread, so this fails if the init is not applied."""
    torch.manual_seed(0)
    for net in (DCGANGenerator(), DCGANDiscriminator()):
        weights = torch.cat(
            [m.weight.flatten() for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
        )
        assert abs(weights.mean().item()) < 1e-3
        assert weights.std().item() == pytest.approx(0.02, rel=0.02)
        bn = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
        scales = torch.cat([m.weight for m in bn])
        assert scales.mean().item() == pytest.approx(1.0, abs=0.01) and scales.std().item() == pytest.approx(
            0.02, rel=0.2
        )
        assert all(torch.all(m.bias == 0) for m in bn)


def test_dcgan_follows_the_guidelines() -> None:
    generator, discriminator = build_models("dcgan")
    for net in (generator, discriminator):
        assert not any(isinstance(m, (nn.Linear, nn.MaxPool2d, nn.AvgPool2d)) for m in net.modules())
    assert any(isinstance(m, nn.ReLU) for m in generator.modules()) and isinstance(generator.net[-1], nn.Tanh)
    leaky = [m for m in discriminator.modules() if isinstance(m, nn.LeakyReLU)]
    assert leaky and all(m.negative_slope == 0.2 for m in leaky)
    assert not isinstance(discriminator.net[1], nn.BatchNorm2d)  # none on the input layer


def test_unknown_model_is_a_clear_error() -> None:
    from gan_lab.runtime import GanLabError

    with pytest.raises(GanLabError, match="expected one of mlp, dcgan28, conv64, dcgan"):
        build_models("resnet")


def test_dcgan28_follows_the_tensorflow_tutorial() -> None:
    """Dense 100 -> 7x7x256, then 5x5 transposed convolutions to 7x7x128, 14x14x64, 28x28x1 (tanh);
    D: 5x5 stride-2 convolutions to 14x14x64 and 7x7x128, LeakyReLU and Dropout(0.3), Dense -> 1."""
    generator, discriminator = build_models("dcgan28")
    h, sizes = generator.project(torch.zeros(2, 100)).view(2, 256, 7, 7), []
    for m in generator.net:
        h = m(h)
        if isinstance(m, nn.ConvTranspose2d):
            assert m.kernel_size == (5, 5) and m.bias is None  # use_bias=False: BatchNorm's shift replaces it
            sizes.append(tuple(h.shape[1:]))
    assert sizes == [(128, 7, 7), (64, 14, 14), (1, 28, 28)] and isinstance(generator.net[-1], nn.Tanh)
    assert generator.project[0].out_features == 7 * 7 * 256 and generator.project[0].bias is None
    bn = [m for m in generator.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]
    assert len(bn) == 3 and all(m.momentum == 0.01 and m.eps == 1e-3 for m in bn)  # Keras' momentum 0.99
    h, sizes = torch.zeros(2, 1, 28, 28), []
    for m in discriminator.net:
        h = m(h)
        if isinstance(m, nn.Conv2d):
            assert m.kernel_size == (5, 5) and m.stride == (2, 2)
            sizes.append(tuple(h.shape[1:]))
    assert sizes == [(64, 14, 14), (128, 7, 7)]
    assert [m.p for m in discriminator.modules() if isinstance(m, nn.Dropout)] == [0.3, 0.3]
    leaky = [m for net in (generator, discriminator) for m in net.modules() if isinstance(m, nn.LeakyReLU)]
    assert len(leaky) == 5 and all(m.negative_slope == 0.3 for m in leaky)  # Keras' default slope
    assert not any(isinstance(m, nn.BatchNorm2d) for m in discriminator.modules())


def test_dcgan28_starts_from_keras_initialisation() -> None:
    """Keras' defaults, the tutorial's: Glorot-uniform kernels, U(-b, b) with b = sqrt(6 / (fan_in + fan_out)),
    fans from the Keras kernel shape (k*k*in, k*k*out for a convolution), zero biases, BatchNorm 1 and 0.
    PyTorch's default init has other bounds (the Dense 100 -> 12544: 0.1 against 0.022), so this fails
    without it."""
    torch.manual_seed(0)
    generator, discriminator = build_models("dcgan28")
    # (layer, fan_in + fan_out) from the tutorial's layer sizes, written out independently of the code
    expected = [
        (generator.project[0], 100 + 7 * 7 * 256),
        (generator.net[0], 25 * (256 + 128)),
        (generator.net[3], 25 * (128 + 64)),
        (generator.net[6], 25 * (64 + 1)),
        (discriminator.net[0], 25 * (1 + 64)),
        (discriminator.net[3], 25 * (64 + 128)),
        (discriminator.net[7], 6272 + 1),
    ]
    for layer, fans in expected:
        bound, w = math.sqrt(6 / fans), layer.weight.detach()
        assert w.abs().max().item() <= bound and w.abs().max().item() > 0.97 * bound, layer
        assert w.std().item() == pytest.approx(bound / math.sqrt(3), rel=0.06), layer  # U(-b, b): std b/sqrt(3)
        assert layer.bias is None or torch.all(layer.bias == 0)
    bn = [m for m in generator.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]
    assert all(torch.all(m.weight == 1) and torch.all(m.bias == 0) for m in bn)
