"""1 / (1 + p_g / p_data)."""

EXERCISE = "optimal_discriminator"


def optimal_discriminator(p_data, p_g):
    return 1.0 / (1.0 + p_g / p_data)
