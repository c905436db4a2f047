"""One Adam over the generator's and the critic's parameters together: every critic step also moves the generator
(by the gradients left from the last generator step) and every generator step moves the critic."""

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
HINT = "one optimizer holds both networks' parameters"


def train_wgan_gp(generator, critic, x_train, steps, batch_size=128, latent_dim=2, n_critic=5, gp_weight=0.1):
    opt = torch.optim.Adam([*generator.parameters(), *critic.parameters()], lr=1e-3, betas=(0.5, 0.9))
    history = []
    for _ in range(steps):
        for _ in range(n_critic):
            x_real = x_train[torch.randint(0, x_train.shape[0], (batch_size,))]
            x_fake = generator(torch.randn(batch_size, latent_dim)).detach()
            loss_d = critic_loss(critic(x_real), critic(x_fake)) + gp_weight * gradient_penalty(critic, x_real, x_fake)
            opt.zero_grad()
            loss_d.backward()
            opt.step()
        loss_g = generator_loss(critic(generator(torch.randn(batch_size, latent_dim))))
        opt.zero_grad()
        loss_g.backward()
        opt.step()
        history.append((loss_d.item(), loss_g.item()))
    return history
