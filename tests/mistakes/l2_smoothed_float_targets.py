"""torch.full without the logits' dtype: float64 logits get float32 targets."""

import torch
import torch.nn.functional as F

EXERCISE = "discriminator_loss_smoothed"
HINT = "float64"


def discriminator_loss_smoothed(logits_real, logits_fake, real_label=0.9):
    real = F.binary_cross_entropy_with_logits(logits_real, torch.full(logits_real.shape, real_label))
    return real + F.binary_cross_entropy_with_logits(logits_fake, torch.zeros(logits_fake.shape))
