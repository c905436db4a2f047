"""GAN Lab: reference implementations for the course (data, models, losses, training, metrics, plots).

Modules, one concept each: ``data``, ``models``, ``losses``, ``train``, ``checkpoint``, ``plots``,
``metrics``, ``checks``, ``cli``. Nothing here needs a GPU at import time.
"""

__version__ = "0.1.0"
