"""Centred features and X^T X / (N - 1), a list instead of a tuple."""

EXERCISE = "feature_statistics"


def feature_statistics(features):
    mu = features.mean(axis=0)
    centred = features - mu  # a new array: the input is left as it is
    return [mu, centred.T @ centred / (len(features) - 1)]
