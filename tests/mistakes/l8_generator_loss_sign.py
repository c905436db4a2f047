"""The generator loss with the wrong sign: +mean(scores_fake)."""

EXERCISE = "generator_loss"
HINT = "the sign is wrong"


def generator_loss(scores_fake):
    return scores_fake.mean()
