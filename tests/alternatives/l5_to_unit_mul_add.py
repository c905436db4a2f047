"""x * 0.5 + 0.5, clamped, detached and moved in another order."""

EXERCISE = "to_unit_cpu"


def to_unit_cpu(images):
    return images.detach().cpu().float().mul(0.5).add(0.5).clamp(0.0, 1.0)
