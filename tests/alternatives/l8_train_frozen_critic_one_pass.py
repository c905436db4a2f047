"""The loop written differently: one critic pass over cat([x_real, x_fake]) (legal: the critic has no
BatchNorm), the critic frozen with requires_grad_(False) during the generator step, zero_grad(set_to_none=True),
LinearLR for the decay, and the losses returned as tensors turned into floats at the end."""

import torch


def gradient_penalty(critic, x_real, x_fake):
    eps = torch.rand(x_real.shape[0], 1, device=x_real.device, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()


def critic_loss(scores_real, scores_fake):
    return scores_fake.mean() - scores_real.mean()


def generator_loss(scores_fake):
    return -scores_fake.mean()


EXERCISE = "train_wgan_gp"


def train_wgan_gp(generator, critic, x_train, steps, batch_size=128, latent_dim=2, n_critic=5, gp_weight=0.1):
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.9))
    opt_d = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
    decay = [torch.optim.lr_scheduler.LinearLR(o, 1.0, 0.0, total_iters=steps) for o in (opt_g, opt_d)]
    losses = []
    for _ in range(steps):
        for _ in range(n_critic):
            z = torch.randn(batch_size, latent_dim)
            x_real = x_train[torch.randint(0, x_train.shape[0], (batch_size,))]
            x_fake = generator(z).detach()
            scores = critic(torch.cat([x_real, x_fake]))  # (2 * batch_size, 1)
            loss_d = critic_loss(scores[:batch_size], scores[batch_size:])
            loss_d = loss_d + gp_weight * gradient_penalty(critic, x_real, x_fake)
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
        critic.requires_grad_(False)
        loss_g = generator_loss(critic(generator(torch.randn(batch_size, latent_dim))))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        critic.requires_grad_(True)
        for schedule in decay:
            schedule.step()
        losses.append(torch.stack([loss_d.detach(), loss_g.detach()]))
    return [tuple(pair.tolist()) for pair in losses]
