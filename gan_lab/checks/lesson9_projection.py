r"""Checks of lesson 9, conditional GANs: the projection discriminator.

References:
- Miyato & Koyama 2018, "cGANs with Projection Discriminator", equation 3: the logit of a conditional
  discriminator is an unconditional part plus the inner product of a class embedding with the features,
  $D(x, y) = \psi(\phi(x)) + \langle e_y, \phi(x) \rangle$.

The network is the lesson's table: $\phi$ = Flatten, Linear(784, 2h), LeakyReLU(0.2), Linear(2h, h),
LeakyReLU(0.2); $\psi$ = Linear(h, 1); $e$ = a table of ``num_classes`` rows of width h (``nn.Embedding``
or a parameter indexed by the labels). The check finds the learner's layers by kind and size, gives every
parameter random values, and compares the output with the formula computed here from those same weights;
a wrong output is matched against the output of each known mistake on the same weights, so the hint names it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from gan_lab.checks._networks import find, randomize
from gan_lab.checks._torch_guard import call_with, close, expect, fail, instantiate, to_numpy, verify_untouched

EX = "ProjectionDiscriminator"
FIX = "return self.psi(h) + (self.embed(labels) * h).sum(dim=1, keepdim=True) with h = self.phi(x), shape (N, 1)"
HINTS = [
    (
        ("positional argument", "missing 1 required"),
        "forward does not take (x, labels)",
        "def forward(self, x, labels): ... (x: (N, 1, 28, 28), labels: (N,) int64)",
    ),
    (
        ("must match the size of tensor", "doesn't match the broadcast shape"),
        "the class embedding and the features have different widths: the inner product needs e_y and phi(x) both "
        "of width hidden",
        "nn.Embedding(num_classes, hidden) and the features of the last LeakyReLU, width hidden",
    ),
    (
        ("mat1 and mat2", "shapes cannot be multiplied"),
        "a layer got an input of the wrong width: flatten the images to (N, 784) first, and give psi the features "
        "(width hidden)",
        "phi: Flatten, Linear(784, 2 * hidden), LeakyReLU(0.2), Linear(2 * hidden, hidden), LeakyReLU(0.2); psi: "
        "Linear(hidden, 1)",
    ),
]


def _cases(hidden: bool) -> list[tuple[int, int, int]]:
    """(num_classes, hidden width, batch size)."""
    return [(10, 24, 11), (6, 8, 7)] if hidden else [(10, 16, 12), (4, 12, 6)]


def _table(module: nn.Module, num_classes: int, width: int) -> torch.Tensor:
    """The learner's class embedding: an nn.Embedding(num_classes, width), or a parameter of that shape."""
    for m in module.modules():
        if isinstance(m, nn.Embedding) and tuple(m.weight.shape) == (num_classes, width):
            return m.weight
    for p in module.parameters():
        if tuple(p.shape) == (num_classes, width):
            return p
    raise fail(
        EX,
        f"no class embedding of shape ({num_classes}, {width}): the projection needs one vector e_y per class, as "
        "wide as the features phi(x) (a one-hot label or the label index is not an embedding)",
        "self.embed = nn.Embedding(num_classes, hidden)",
    )


def _variants(layers, table: torch.Tensor, x: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, list]:
    """The table's logits from the learner's weights, and (output, mistake, fix) for each known mistake."""
    first, second, psi = layers

    def phi(slope: float) -> torch.Tensor:
        h = F.leaky_relu(first(x.flatten(1)), slope)  # (N, 2h)
        return F.leaky_relu(second(h), slope)  # (N, h)

    h = phi(0.2)
    e = table[labels]  # (N, h)
    proj = (e * h).sum(1, keepdim=True)  # (N, 1)
    unconditional = psi(h)  # (N, 1)
    logits = unconditional + proj
    y = labels[:, None].to(h.dtype)
    variants = [
        (unconditional, "the inner product <e_y, phi(x)> is missing: the label never reaches the logit", FIX),
        (proj, "psi(phi(x)), the unconditional part, is missing: only the inner product is returned", FIX),
        (
            unconditional + (e * h).sum(),
            "the inner product was summed over the whole batch (.sum() with no dim): every example gets the same "
            "class term | sum over the features only: (e * h).sum(dim=1, keepdim=True)",
            "",
        ),
        (
            unconditional + (e * h).sum(0, keepdim=True),
            "the inner product was summed over the batch (dim=0) instead of over the features: the output has one "
            "column per feature | sum over dim=1: (e * h).sum(dim=1, keepdim=True)",
            "",
        ),
        (
            unconditional + (e * h).mean(1, keepdim=True),
            "the inner product was averaged over the features (.mean) instead of summed | use .sum(dim=1, keepdim=True)",
            "",
        ),
        (
            unconditional + (y * h).sum(1, keepdim=True),
            "the label index itself multiplies the features (labels * h): a class number is not an embedding | look "
            "the label up in the embedding first: self.embed(labels)",
            "",
        ),
        (
            torch.sigmoid(logits),
            "a sigmoid was applied to the output: the discriminator returns logits | return the raw logits; the "
            "loss applies the sigmoid (binary_cross_entropy_with_logits)",
            "",
        ),
        (
            psi(phi(0.0)) + (e * phi(0.0)).sum(1, keepdim=True),
            "ReLU instead of LeakyReLU(0.2) in phi | use nn.LeakyReLU(0.2)",
            "",
        ),
        (
            psi(phi(0.01)) + (e * phi(0.01)).sum(1, keepdim=True),
            "LeakyReLU with its default slope 0.01 instead of 0.2 | nn.LeakyReLU(0.2)",
            "",
        ),
    ]
    return logits, variants


def _check_case(cls, num_classes: int, width: int, n: int, seed: int) -> None:
    discriminator = instantiate(EX, cls, num_classes=num_classes, hidden=width)
    expect(isinstance(discriminator, nn.Module), EX, "ProjectionDiscriminator(...) is not an nn.Module", "subclass it")
    fix_layers = "phi: Flatten, Linear(784, 2 * hidden), LeakyReLU(0.2), Linear(2 * hidden, hidden), LeakyReLU(0.2)"
    layers = (
        find(discriminator, nn.Linear, EX, fix_layers, in_features=784, out_features=2 * width),
        find(discriminator, nn.Linear, EX, fix_layers, in_features=2 * width, out_features=width),
        find(discriminator, nn.Linear, EX, "psi: nn.Linear(hidden, 1)", in_features=width, out_features=1),
    )
    table = _table(discriminator, num_classes, width)
    randomize(discriminator, seed)
    discriminator.eval()
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, 28, 28, generator=g) * 2 - 1
    labels = torch.randperm(n, generator=g) % num_classes
    with torch.no_grad():
        got = call_with(HINTS, EX, discriminator, x, labels)
        expected, variants = _variants(layers, table, x, labels)
    expect(isinstance(got, torch.Tensor), EX, f"forward returned {type(got).__name__}", "return the logits tensor")
    for value, mistake, fix in variants:
        if tuple(got.shape) == tuple(value.shape) and close(got, value) and not close(value, expected):
            mistake, fix = mistake.split(" | ") if " | " in mistake else (mistake, fix)
            raise fail(EX, mistake, fix)
    expect(
        tuple(got.shape) == (n, 1),
        EX,
        f"{n} images gave logits of shape {tuple(got.shape)}, expected ({n}, 1): one logit per image",
        FIX,
    )
    if not close(got, expected):
        with torch.no_grad():
            moved = call_with(HINTS, EX, discriminator, x, (labels + 1) % num_classes)
        if close(moved, got):
            raise fail(EX, "the logits do not depend on the labels: forward ignores `labels`", FIX)
        raise fail(
            EX,
            f"the logits differ from psi(phi(x)) + <e_y, phi(x)> computed from your own layers (largest difference "
            f"{float(abs(to_numpy(got) - to_numpy(expected)).max()):.3g})",
            FIX,
        )
    _check_gradients(discriminator, x, labels, table)


def _check_gradients(discriminator: nn.Module, x: torch.Tensor, labels: torch.Tensor, table: torch.Tensor) -> None:
    """The embedding learns: the rows of the batch's classes get a gradient, the other rows none."""
    discriminator.train()
    for p in discriminator.parameters():
        p.grad = None
    logits = call_with(HINTS, EX, discriminator, x, labels)
    call_with(HINTS, EX, lambda: logits.sum().backward())
    expect(
        table.grad is not None and bool(table.grad[labels].abs().sum() > 0),
        EX,
        "the class embedding gets no gradient: it is detached (or looked up under torch.no_grad), so it never learns",
        "use self.embed(labels) directly in the inner product",
    )
    for name, p in discriminator.named_parameters():
        expect(
            not p.requires_grad or (p.grad is not None and bool(p.grad.abs().sum() > 0)),
            EX,
            f"the parameter `{name}` gets no gradient: it is unused or its output is detached",
            "use every layer in forward, without .detach()",
        )


def check_projection_discriminator(cls, hidden: bool = False) -> None:
    """ProjectionDiscriminator(num_classes, hidden)(x, labels) = psi(phi(x)) + <embed(labels), phi(x)>, (N, 1)."""
    verify_untouched()
    for i, (num_classes, width, n) in enumerate(_cases(hidden)):
        _check_case(cls, num_classes, width, n, seed=(23 if hidden else 5) + i)


CHECKS = {EX: check_projection_discriminator}
