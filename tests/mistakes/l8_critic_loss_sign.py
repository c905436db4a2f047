"""The critic loss with the wrong sign: mean(real) - mean(fake), which rewards scoring fakes higher."""

EXERCISE = "critic_loss"
HINT = "the sign is wrong"


def critic_loss(scores_real, scores_fake):
    return scores_real.mean() - scores_fake.mean()
