"""log(1 - sigmoid(x)) by hand."""

import torch

EXERCISE = "generator_loss_saturating"
HINT = "underflows"


def generator_loss_saturating(logits_fake):
    return torch.log(1 - torch.sigmoid(logits_fake)).mean()
