"""Real logits get target 0 and fake logits target 1."""

import torch
import torch.nn.functional as F

EXERCISE = "discriminator_loss"
HINT = "swapped real/fake labels"


def discriminator_loss(logits_real, logits_fake):
    return F.binary_cross_entropy_with_logits(
        logits_real, torch.zeros_like(logits_real)
    ) + F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))
