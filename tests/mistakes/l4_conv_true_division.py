"""True division: a float, and not rounded down."""

EXERCISE = "conv_out_size"
HINT = "'//'"


def conv_out_size(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) / stride + 1
