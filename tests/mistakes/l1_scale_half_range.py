"""(x - 127.5) / 255 gives [-0.5, 0.5]."""

EXERCISE = "scale_images"
HINT = "halves the range"


def scale_images(images):
    return (images.float() - 127.5) / 255
