"""log(1 - sigmoid(l)) = log sigmoid(-l)."""

import torch.nn.functional as F

EXERCISE = "generator_loss_saturating"


def generator_loss_saturating(logits_fake):
    return F.logsigmoid(-logits_fake).mean()
