"""p_g in the numerator: the probability of 'fake'."""

EXERCISE = "optimal_discriminator"
HINT = "1 - D*"


def optimal_discriminator(p_data, p_g):
    return p_g / (p_data + p_g)
