"""GAN Lab: reference implementations for the course (data, models, losses, training, metrics, plots).

One concept per module; README's "Layout" lists them all with the layer rule that says which may
import which (enforced by ``tests/test_layers.py``). Nothing here needs a GPU at import time.
"""

__version__ = "0.1.0"
