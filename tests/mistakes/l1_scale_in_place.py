"""Writes the result back into the input's storage."""

EXERCISE = "scale_images"
HINT = "in place"


def scale_images(images):
    out = images.float() / 127.5 - 1
    images.zero_()
    return out
