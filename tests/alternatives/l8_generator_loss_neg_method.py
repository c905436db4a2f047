"""The mean's .neg() method."""

EXERCISE = "generator_loss"


def generator_loss(scores_fake):
    return scores_fake.mean().neg()
