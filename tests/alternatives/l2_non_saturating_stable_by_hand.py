"""A hand-written stable log-sigmoid: log sigmoid(l) = min(l, 0) - log(1 + exp(-|l|))."""

import torch

EXERCISE = "generator_loss_non_saturating"


def generator_loss_non_saturating(logits_fake):
    log_d = torch.clamp(logits_fake, max=0) - torch.log1p(torch.exp(-logits_fake.abs()))
    return -log_d.mean()
