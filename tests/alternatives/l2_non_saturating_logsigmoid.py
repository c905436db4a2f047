"""-log sigmoid(l) with F.logsigmoid, which is stable."""

import torch.nn.functional as F

EXERCISE = "generator_loss_non_saturating"


def generator_loss_non_saturating(logits_fake):
    return -F.logsigmoid(logits_fake).mean()
