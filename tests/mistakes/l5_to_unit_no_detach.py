"""The result keeps its autograd graph."""

EXERCISE = "to_unit_cpu"
HINT = "call .detach()"


def to_unit_cpu(images):
    return ((images.float() + 1.0) / 2.0).clamp(0.0, 1.0).cpu()
