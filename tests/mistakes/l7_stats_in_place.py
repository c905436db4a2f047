"""features -= mu changes the caller's array in place."""

EXERCISE = "feature_statistics"
HINT = "Fix:"


def feature_statistics(features):
    mu = features.mean(axis=0)
    features -= mu
    return mu, features.T @ features / (len(features) - 1)
