"""Two-sided smoothing: fakes get target 1 - real_label."""

import torch
import torch.nn.functional as F

EXERCISE = "discriminator_loss_smoothed"
HINT = "the fake targets were smoothed too"


def discriminator_loss_smoothed(logits_real, logits_fake, real_label=0.9):
    return F.binary_cross_entropy_with_logits(
        logits_real, torch.full_like(logits_real, real_label)
    ) + F.binary_cross_entropy_with_logits(logits_fake, torch.full_like(logits_fake, 1 - real_label))
