"""Rounds to nearest with round(): right for most sizes, wrong where the quotient ends in .5 or more."""

EXERCISE = "conv_out_size"
HINT = "rounded up"


def conv_out_size(size, kernel, stride, padding):
    return round((size + 2 * padding - kernel) / stride + 0.01) + 1
