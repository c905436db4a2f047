r"""Differentiable augmentation for data-efficient GAN training (DiffAugment).

References:
- Zhao, Liu, Lin, Zhu & Han 2020, "Differentiable Augmentation for Data-Efficient GAN Training"
  (translation by up to 1/8 of the image size, cutout of a square half the image size).
- Karras et al. 2020, "Training Generative Adversarial Networks with Limited Data" (why augmenting
  only the real images leaks into the generator, and why augmenting both sides does not).

With 4,000 training digits the discriminator can memorise the real set; its gradients then tell the
generator "be one of these 4,000 images" instead of "look like a digit". Showing the discriminator
randomly shifted and occluded versions of *every* image it sees, real and fake, removes that shortcut.
Because the transforms are differentiable (indexing and masking), the generator step backpropagates
through them, and because both sides are augmented the same way, the generator is never rewarded for
producing shifted or occluded digits itself: $D$ compares $T(x_{real})$ with $T(G(z))$ and the optimum
of the game stays at $p_g = p_{data}$ for any such $T$ applied to both.

Every function takes and returns (N, C, H, W) images in [-1, 1]; the background value is -1.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from gan_lab.runtime import GanLabError, GanLabTypeError, describe, expect_tensor


def _check(x: object, ratio: object) -> None:
    expect_tensor("x", x, "(N, C, H, W), a batch of images", (4,))
    if not isinstance(ratio, (int, float)) or not 0.0 < ratio <= 1.0:
        raise GanLabError(f"expected ratio in (0, 1], a fraction of the image size, got {ratio!r}")


BACKGROUND = -1.0  # data are scaled to [-1, 1] with black (0 in pixel values) at -1


def translate(x: torch.Tensor, ratio: float = 0.125) -> torch.Tensor:
    """Shift each image by its own random (dy, dx), up to ``ratio`` of the size, filling with background."""
    _check(x, ratio)
    n, _, h, w = x.shape
    sy, sx = int(h * ratio + 0.5), int(w * ratio + 0.5)  # 28x28: 4 pixels; 64x64: 8 pixels
    dy = torch.randint(-sy, sy + 1, (n, 1, 1), device=x.device)
    dx = torch.randint(-sx, sx + 1, (n, 1, 1), device=x.device)
    padded = torch.nn.functional.pad(x, [sx, sx, sy, sy], value=BACKGROUND)  # (N, C, H + 2 sy, W + 2 sx)
    rows = torch.arange(h, device=x.device).view(1, h, 1) + sy - dy  # (N, H, 1) source row of each output row
    cols = torch.arange(w, device=x.device).view(1, 1, w) + sx - dx  # (N, 1, W)
    batch = torch.arange(n, device=x.device).view(n, 1, 1)
    # advanced indexing on (N, H', W', C) gathers (N, H, W, C); gradients flow back through the gather
    return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)


def cutout(x: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    """Blank one random square per image (side ``ratio`` of the size) to 0, the mid-grey of [-1, 1]."""
    _check(x, ratio)
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    # centres may sit near the border, so the square is sometimes clipped, as in Zhao et al.
    cy = torch.randint(0, h + (1 - ch % 2), (n, 1, 1), device=x.device)
    cx = torch.randint(0, w + (1 - cw % 2), (n, 1, 1), device=x.device)
    ys = torch.arange(h, device=x.device).view(1, h, 1)
    xs = torch.arange(w, device=x.device).view(1, 1, w)
    top, left = cy - ch // 2, cx - cw // 2
    inside = (ys >= top) & (ys < top + ch) & (xs >= left) & (xs < left + cw)  # (N, H, W)
    return x * (~inside).unsqueeze(1).to(x.dtype)  # (N, C, H, W); masking keeps the op differentiable


AUGMENTATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {"translation": translate, "cutout": cutout}


def parse_policy(policy: str) -> tuple[str, ...]:
    """``"translation,cutout"`` -> ``("translation", "cutout")``; ``""`` -> ``()``. Raises on unknown names."""
    if not isinstance(policy, str):
        raise GanLabTypeError(f"expected policy as a string such as 'translation,cutout', got {describe(policy)}")
    names = tuple(p.strip() for p in policy.split(",") if p.strip())
    unknown = [p for p in names if p not in AUGMENTATIONS]
    if unknown:
        raise GanLabError(
            f"unknown augmentation {unknown[0]!r}: expected a comma-separated list of {', '.join(AUGMENTATIONS)}"
        )
    return names


def diff_augment(x: torch.Tensor, policy: str | tuple[str, ...]) -> torch.Tensor:
    """Apply every augmentation of ``policy`` in order, with fresh randomness per image and per call."""
    names = parse_policy(",".join(map(str, policy)) if isinstance(policy, (tuple, list)) else policy)
    for name in names:
        x = AUGMENTATIONS[name](x)
    return x
