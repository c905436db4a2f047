"""nn.BCEWithLogitsLoss modules and ones_like * real_label."""

import torch

EXERCISE = "discriminator_loss_smoothed"


def discriminator_loss_smoothed(logits_real, logits_fake, real_label=0.9):
    bce = torch.nn.BCEWithLogitsLoss()
    return bce(logits_real, torch.ones_like(logits_real) * real_label) + bce(logits_fake, torch.zeros_like(logits_fake))
