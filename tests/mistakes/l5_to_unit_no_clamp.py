"""(x + 1) / 2 without clamping."""

EXERCISE = "to_unit_cpu"
HINT = "outside [0, 1] were kept"


def to_unit_cpu(images):
    return ((images.detach() + 1) / 2).float().cpu()
