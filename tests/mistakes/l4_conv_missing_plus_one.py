"""The convolution size formula without + 1."""

EXERCISE = "conv_out_size"
HINT = "the '+ 1' is missing"


def conv_out_size(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) // stride
