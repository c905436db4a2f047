r"""Checks of lesson 9, conditional GANs: the conditional generator's input.

References:
- Mirza & Osindero 2014, "Conditional Generative Adversarial Nets": the label $y$ is an extra input of the
  generator, $G(z, y)$, joined with $z$ before the first hidden layer (one-hot in their MNIST experiment).

The generator's body is lesson 1's MLP; what this lesson adds is how $y$ gets in, and that can be written in
several correct ways (a one-hot vector or a learned embedding, ``[z, y]`` or ``[y, z]``). So the check tests
behaviour, not layers: the images have the right shape and range; they change with the label; each image
depends on its own ``(z_i, y_i)`` only (permuting the batch permutes the images, and one example alone gives
the image it gets in a batch); a batch that lacks the top class still works (a one-hot whose width follows the
batch does not); no layer reads the label as a number (a float column whose value is the class index, which
tells the network that 7 lies between 6 and 8); and every parameter, an embedding's too, gets a gradient.
"""

from __future__ import annotations

import torch
from torch import nn

from gan_lab.checks._torch_guard import (
    call_with,
    close,
    expect,
    expect_tanh_range,
    fail,
    instantiate,
    to_numpy,
    verify_untouched,
)

EX = "ConditionalGenerator"
FIX_INPUT = (
    "join z and the label code along the feature dimension: torch.cat([z, F.one_hot(labels, num_classes).to(z.dtype)], "
    "dim=1), shape (N, latent_dim + num_classes)"
)
HINTS = [
    (
        ("sizes of tensors must match except in dimension", "tensors must have same number of dimensions"),
        "z and the label code could not be joined: they were concatenated along dim 0 (the batch) or one of them is "
        "not a 2-D (N, width) tensor",
        FIX_INPUT,
    ),
    (
        ("mat1 and mat2", "shapes cannot be multiplied"),
        "the first layer's input width does not match what forward builds: it takes latent_dim + num_classes "
        "numbers (z and a one-hot label; an embedding adds its own width instead of num_classes)",
        "nn.Linear(latent_dim + num_classes, hidden) and " + FIX_INPUT,
    ),
    (
        ("class values must be smaller than num_classes", "index out of range", "out of bounds"),
        "a label was out of range for the label code: the embedding or one-hot has fewer rows than num_classes",
        "size the label code with num_classes: F.one_hot(labels, num_classes) or nn.Embedding(num_classes, dim)",
    ),
    (
        ("one_hot is only applicable to index tensor", "expected scalar type long", "tensors used as indices must be"),
        "the labels were converted to floats before the one-hot or the embedding, which need integer class indices",
        "pass the int64 labels to F.one_hot / nn.Embedding and convert the one-hot to z.dtype afterwards",
    ),
    (
        ("positional argument", "missing 1 required"),
        "forward does not take (z, labels)",
        "def forward(self, z, labels): ... (labels: (N,) int64 class indices)",
    ),
]


def _cases(hidden: bool) -> list[tuple[int, int, int, int]]:
    """(latent_dim, num_classes, hidden width, batch size)."""
    return [(64, 10, 32, 20), (3, 7, 8, 9)] if hidden else [(8, 10, 16, 12), (5, 4, 12, 8)]


def _forward(generator: nn.Module, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return call_with(HINTS, EX, generator, z, labels)


def _raw_label_columns(generator: nn.Module, z: torch.Tensor, labels: torch.Tensor) -> bool:
    """Whether some layer's input holds the label as a number: a column that is an affine function of the class."""
    seen: list[torch.Tensor] = []
    handles = [
        m.register_forward_pre_hook(lambda module, args: seen.append(args[0].detach().double()))
        for m in generator.modules()
        if isinstance(m, nn.Linear)
    ]
    try:
        _forward(generator, z, labels)
    finally:
        for handle in handles:
            handle.remove()
    y = labels.double() - labels.double().mean()
    for x in seen:
        if x.dim() != 2 or x.shape[0] != len(labels):
            continue
        cols = x - x.mean(0)
        spread = cols.norm(dim=0)  # (W,)
        corr = (cols * y[:, None]).sum(0) / (spread * y.norm() + 1e-12)
        if bool(((corr.abs() > 1 - 1e-6) & (spread > 1e-6)).any()):
            return True
    return False


def _check_case(cls, latent_dim: int, num_classes: int, width: int, n: int, seed: int) -> None:
    generator = instantiate(EX, cls, latent_dim=latent_dim, num_classes=num_classes, hidden=width)
    expect(isinstance(generator, nn.Module), EX, "ConditionalGenerator(...) is not an nn.Module", "subclass nn.Module")
    generator.eval()  # one example's image must not depend on the batch (no BatchNorm statistics of the batch)
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(n, latent_dim, generator=g)
    labels = torch.randperm(n, generator=g) % num_classes  # every class present, in a shuffled order
    x_fake = _forward(generator, z, labels)
    expect(isinstance(x_fake, torch.Tensor), EX, f"forward returned {type(x_fake).__name__}", "return the images")
    if x_fake.dim() >= 1 and x_fake.shape[0] == 2 * n:
        raise fail(
            EX,
            f"{n} (z, label) pairs gave {2 * n} images: z and the label code were concatenated along dim 0 "
            "(stacked as extra examples) instead of dim 1",
            FIX_INPUT,
        )
    expect(
        tuple(x_fake.shape) == (n, 1, 28, 28),
        EX,
        f"{n} examples gave images of shape {tuple(x_fake.shape)}, expected ({n}, 1, 28, 28)",
        "end with nn.Linear(2 * hidden, 784), nn.Tanh() and reshape to (N, 1, 28, 28)",
    )
    expect_tanh_range(x_fake, EX)
    others = _forward(generator, z, (labels + 1) % num_classes)  # the same z, every label changed
    changed = (to_numpy(others) != to_numpy(x_fake)).reshape(n, -1).any(1)
    expect(
        bool(changed.any()),
        EX,
        "the images do not depend on the labels: forward ignores `labels` (the generator draws whatever it likes)",
        FIX_INPUT,
    )
    low = labels % max(1, num_classes - 2)  # no example of the two top classes
    try:
        with torch.no_grad():
            generator(z, low)
            generator(z[:1], torch.zeros(1, dtype=torch.long))
    except Exception as err:
        raise fail(
            EX,
            f"a batch without the top classes fails ({type(err).__name__}: {str(err).strip()[:120]}): "
            "F.one_hot(labels) without num_classes makes its width max(labels) + 1, which changes from batch to batch",
            "F.one_hot(labels, num_classes)",
        ) from None
    perm = torch.randperm(n, generator=g)
    if not close(_forward(generator, z[perm], labels[perm]), x_fake[perm]) or not all(
        close(_forward(generator, z[i : i + 1], labels[i : i + 1]), x_fake[i : i + 1]) for i in (0, n - 1)
    ):
        first = _forward(generator, z, labels[:1].expand(n))
        if close(first, x_fake):
            raise fail(
                EX,
                "the whole batch gets the first example's label (labels[0]): example i must get labels[i]",
                "one-hot (or embed) the whole labels tensor, shape (N,) -> (N, num_classes), and join it row by row",
            )
        raise fail(
            EX,
            "an image depends on the other examples of the batch: permuting the (z, label) pairs does not permute the "
            "images, so labels are not routed to their own example (one label for the batch, labels reordered or "
            "mixed across the batch, or BatchNorm in the generator)",
            "build the input row by row: row i is [z_i, code(labels_i)]; " + FIX_INPUT,
        )
    expect(
        bool(changed.all()),
        EX,
        "changing every label left some images unchanged: the label code is not given to every example",
        FIX_INPUT,
    )
    if _raw_label_columns(generator, z, labels):
        raise fail(
            EX,
            "the label enters as a number: a layer's input has a column holding the class index (labels.float()), "
            "which tells the network that 7 lies between 6 and 8 and gives it one number to tell ten classes apart",
            "give each class its own code: F.one_hot(labels, num_classes) (or an nn.Embedding), joined with z",
        )
    _check_gradients(generator, z, labels)


def _check_gradients(generator: nn.Module, z: torch.Tensor, labels: torch.Tensor) -> None:
    """Every parameter, an embedding of the labels included, gets a gradient from the images (training mode)."""
    generator.train()
    for p in generator.parameters():
        p.grad = None
    x_fake = call_with(HINTS, EX, generator, z, labels)
    weights = torch.randn(x_fake.shape, generator=torch.Generator().manual_seed(1))
    call_with(HINTS, EX, lambda: (x_fake * weights).sum().backward())
    for name, p in generator.named_parameters():
        if not p.requires_grad:
            continue
        if p.grad is None or not bool(p.grad.abs().sum() > 0):
            label_table = p.dim() == 2 and p.shape[0] == getattr(generator, "num_classes", -1)
            raise fail(
                EX,
                f"the parameter `{name}` gets no gradient"
                + (
                    ": the label embedding is detached (or computed under torch.no_grad), so it never learns"
                    if label_table or "emb" in name
                    else ": it is not used in forward, or its output is detached"
                ),
                "use every layer in forward, without .detach() or torch.no_grad()",
            )
    generator.eval()


def check_conditional_generator(cls, hidden: bool = False) -> None:
    """ConditionalGenerator(latent_dim, num_classes, hidden)(z, labels) -> (N, 1, 28, 28) in [-1, 1], by its label."""
    verify_untouched()
    for i, (latent_dim, num_classes, width, n) in enumerate(_cases(hidden)):
        _check_case(cls, latent_dim, num_classes, width, n, seed=(17 if hidden else 3) + i)


CHECKS = {EX: check_conditional_generator}
