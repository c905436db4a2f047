"""clamp(0, 1) without the (x + 1) / 2 shift."""

EXERCISE = "to_unit_cpu"
HINT = "negative pixels were cut off"


def to_unit_cpu(images):
    return images.detach().float().clamp(0.0, 1.0).cpu()
