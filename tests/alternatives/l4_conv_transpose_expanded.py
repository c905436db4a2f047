"""The formula multiplied out."""

EXERCISE = "conv_transpose_out_size"


def conv_transpose_out_size(size, kernel, stride, padding):
    return size * stride - stride - 2 * padding + kernel
