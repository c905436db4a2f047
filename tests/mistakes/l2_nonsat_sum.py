"""Sum instead of mean."""

import torch.nn.functional as F

EXERCISE = "generator_loss_non_saturating"
HINT = "summed over the batch"


def generator_loss_non_saturating(logits_fake):
    return F.softplus(-logits_fake).sum()
