"""The biased covariance (divided by N)."""

EXERCISE = "feature_statistics"
HINT = "divides by N (biased)"


def feature_statistics(features):
    centered = features - features.mean(axis=0)
    return features.mean(axis=0), centered.T @ centered / len(features)
