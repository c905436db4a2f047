"""torch.full with the logits' shape, dtype and device."""

import torch
import torch.nn.functional as F

EXERCISE = "discriminator_loss_smoothed"


def discriminator_loss_smoothed(logits_real, logits_fake, real_label=0.9):
    real_t = torch.full(logits_real.shape, real_label, dtype=logits_real.dtype, device=logits_real.device)
    fake_t = torch.zeros(logits_fake.shape, dtype=logits_fake.dtype, device=logits_fake.device)
    return F.binary_cross_entropy_with_logits(logits_real, real_t) + F.binary_cross_entropy_with_logits(
        logits_fake, fake_t
    )
