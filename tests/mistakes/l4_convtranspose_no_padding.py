"""The transposed-convolution size formula without - 2 * padding."""

EXERCISE = "conv_transpose_out_size"
HINT = "the padding term is missing"


def conv_transpose_out_size(size, kernel, stride, padding):
    return (size - 1) * stride + kernel
