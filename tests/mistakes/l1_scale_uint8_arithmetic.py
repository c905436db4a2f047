"""Arithmetic on the uint8 tensor without converting to float first."""

EXERCISE = "scale_images"
HINT = "arithmetic on uint8 wraps around"


def scale_images(images):
    return images * 2 - 1
