"""int() of the true quotient (the sizes here are never negative, so it rounds down like //)."""

EXERCISE = "conv_out_size"


def conv_out_size(size, kernel, stride, padding):
    return int((size + 2 * padding - kernel) / stride) + 1
