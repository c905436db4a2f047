"""np.cov(features): rows taken as variables."""

import numpy as np

EXERCISE = "feature_statistics"
HINT = "rowvar=False"


def feature_statistics(features):
    return features.mean(axis=0), np.cov(features)
