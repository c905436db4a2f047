"""The mean of the difference of paired scores (the batches have the same size in a WGAN-GP step)."""

EXERCISE = "critic_loss"


def critic_loss(scores_real, scores_fake):
    return (scores_fake - scores_real).mean()
