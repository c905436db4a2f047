"""(x - 127.5) / 127.5 on a float copy."""

EXERCISE = "scale_images"


def scale_images(images):
    return (images.float() - 127.5) / 127.5
