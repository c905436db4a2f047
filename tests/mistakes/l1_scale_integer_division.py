"""Integer division // keeps integers."""

EXERCISE = "scale_images"
HINT = "integer"


def scale_images(images):
    return images.long() // 128 - 1
