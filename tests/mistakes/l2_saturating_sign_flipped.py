"""+BCE(logits_fake, 0) for the saturating loss: the generator would minimise the discriminator's fake term."""

import torch
import torch.nn.functional as F

EXERCISE = "generator_loss_saturating"
HINT = "the sign is flipped"


def generator_loss_saturating(logits_fake):
    return F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
