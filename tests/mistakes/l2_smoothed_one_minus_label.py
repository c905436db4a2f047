"""Real target 1 - real_label."""

import torch
import torch.nn.functional as F

EXERCISE = "discriminator_loss_smoothed"
HINT = "1 - real_label"


def discriminator_loss_smoothed(logits_real, logits_fake, real_label=0.9):
    real = F.binary_cross_entropy_with_logits(logits_real, torch.full_like(logits_real, 1 - real_label))
    return real + F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
