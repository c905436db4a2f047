"""torch.mean on each term, written as the negated Wasserstein estimate."""

import torch

EXERCISE = "critic_loss"


def critic_loss(scores_real, scores_fake):
    wasserstein_estimate = torch.mean(scores_real) - torch.mean(scores_fake)
    return -wasserstein_estimate
