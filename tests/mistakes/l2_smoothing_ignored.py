"""The real_label argument is never used."""

import torch
import torch.nn.functional as F

EXERCISE = "discriminator_loss_smoothed"
HINT = "real_label is ignored"


def discriminator_loss_smoothed(logits_real, logits_fake, real_label=0.9):
    return F.binary_cross_entropy_with_logits(
        logits_real, torch.ones_like(logits_real)
    ) + F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
