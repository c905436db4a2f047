"""Returns a numpy array instead of a tensor."""

EXERCISE = "to_unit_cpu"
HINT = "returned ndarray"


def to_unit_cpu(images):
    return ((images.detach().float().cpu() + 1) / 2).clamp(0, 1).numpy()
