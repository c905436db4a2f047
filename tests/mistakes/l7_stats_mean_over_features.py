"""The mean over features (axis=1) instead of over samples."""

import numpy as np

EXERCISE = "feature_statistics"
HINT = "shapes"


def feature_statistics(features):
    return features.mean(axis=1), np.cov(features, rowvar=False)
