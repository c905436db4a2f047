"""The density ratio p_data / p_g."""

EXERCISE = "optimal_discriminator"
HINT = "density ratio"


def optimal_discriminator(p_data, p_g):
    return p_data / p_g
