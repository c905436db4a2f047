"""log(1 - sigmoid(l)) = -softplus(l)."""

import torch.nn.functional as F

EXERCISE = "generator_loss_saturating"


def generator_loss_saturating(logits_fake):
    return -F.softplus(logits_fake).mean()
