"""The 2-D laboratory: Gaussian mixtures in the plane, small MLP GANs trained in seconds, and the metrics and
figures that make mode collapse visible (``mixtures``, ``metrics``, ``train``, ``plots``)."""

from gan_lab.lab2d.metrics import MixtureScore, assign_modes, score_points
from gan_lab.lab2d.mixtures import MIXTURES, Mixture, grid, make_mixture, ring
from gan_lab.lab2d.train import Lab2dConfig, Lab2dResult, Lab2dRun, Snapshot, train_lab2d

__all__ = [
    "MIXTURES",
    "Lab2dConfig",
    "Lab2dResult",
    "Lab2dRun",
    "Mixture",
    "MixtureScore",
    "Snapshot",
    "assign_modes",
    "grid",
    "make_mixture",
    "ring",
    "score_points",
    "train_lab2d",
]
