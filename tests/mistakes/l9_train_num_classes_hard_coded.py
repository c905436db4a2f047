"""The loop takes no num_classes: it fixes 10 inside, so it cannot be called the way the exercise says (and
breaks for any other label set)."""

import torch
import torch.nn.functional as F

from mistakes._l9_networks import ConditionalGenerator, ProjectionDiscriminator  # noqa: F401

EXERCISE = "train_cgan"
HINT = "must work for any networks and sizes"


def train_cgan(generator, discriminator, x_train, y_train, steps, batch_size=64, latent_dim=64, progress=None):
    num_classes = 10  # MNIST has 10 digits
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    history = []
    for step in range(1, steps + 1):
        idx = torch.randint(len(x_train), (batch_size,))
        x_real, labels_real = x_train[idx], y_train[idx]
        labels_fake = torch.randint(num_classes, (batch_size,))
        x_fake = generator(torch.randn(batch_size, latent_dim), labels_fake)

        logits_real = discriminator(x_real, labels_real)
        logits_fake = discriminator(x_fake.detach(), labels_fake)
        loss_d = F.binary_cross_entropy_with_logits(logits_real, torch.ones_like(logits_real))
        loss_d = loss_d + F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()

        logits_fake = discriminator(x_fake, labels_fake)
        loss_g = F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        if progress is not None:
            progress.update(step, loss_d.item(), loss_g.item(), x_real, x_fake, labels_real, labels_fake)
        history.append((loss_d.item(), loss_g.item()))
    return history
