"""The discriminator's optimizer built from two parameter groups (its label embedding and the rest, with the
same settings), the fakes drawn for the real batch's labels, one D pass over real and detached fakes. Legal:
every group belongs to the discriminator, so each opt_d.step() still updates the discriminator alone."""

import torch
import torch.nn.functional as F
from mistakes._l9_networks import ConditionalGenerator, ProjectionDiscriminator  # noqa: F401

EXERCISE = "train_cgan"


def train_cgan(
    generator, discriminator, x_train, y_train, steps, batch_size=64, latent_dim=64, num_classes=10, progress=None
):
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    embedding = [p for name, p in discriminator.named_parameters() if "embed" in name]
    rest = [p for name, p in discriminator.named_parameters() if "embed" not in name]
    groups = [{"params": rest}, {"params": embedding}] if embedding else [{"params": rest}]
    opt_d = torch.optim.Adam(groups, lr=1e-3, betas=(0.5, 0.999))  # two groups, one network
    decay_g = torch.optim.lr_scheduler.LambdaLR(opt_g, lambda step: 1 - step / steps)
    decay_d = torch.optim.lr_scheduler.LambdaLR(opt_d, lambda step: 1 - step / steps)
    history = []
    for step in range(1, steps + 1):
        idx = torch.randint(0, x_train.shape[0], (batch_size,))
        x_real, labels_real = x_train[idx], y_train[idx]
        labels_fake = labels_real
        x_fake = generator(torch.randn(batch_size, latent_dim), labels_fake)
        targets = torch.cat([torch.ones(batch_size, 1), torch.zeros(batch_size, 1)])
        logits = discriminator(torch.cat([x_real, x_fake.detach()]), torch.cat([labels_real, labels_fake]))
        loss_d = 2 * F.binary_cross_entropy_with_logits(logits, targets)  # the mean over both halves, times 2
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        loss_g = F.binary_cross_entropy_with_logits(discriminator(x_fake, labels_fake), targets[:batch_size])
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        decay_g.step()
        decay_d.step()
        if progress:
            progress.update(step, loss_d, loss_g, x_real, x_fake, labels_real=labels_real, labels_fake=labels_fake)
        history.append((loss_d.item(), loss_g.item()))
    return history
