"""A sigmoid on the critic's scores, as if they were a discriminator's logits."""

import torch

EXERCISE = "critic_loss"
HINT = "a sigmoid was applied"


def critic_loss(scores_real, scores_fake):
    return torch.sigmoid(scores_fake).mean() - torch.sigmoid(scores_real).mean()
