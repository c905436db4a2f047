"""The generator step first, then the critic steps: the generator follows a critic that has not caught up."""

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
HINT = "the optimizers stepped in the order"


def train_wgan_gp(generator, critic, x_train, steps, batch_size=128, latent_dim=2, n_critic=5, gp_weight=0.1):
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.9))
    opt_d = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
    history = []
    for _ in range(steps):
        loss_g = generator_loss(critic(generator(torch.randn(batch_size, latent_dim))))
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        for _ in range(n_critic):
            x_real = x_train[torch.randint(len(x_train), (batch_size,))]
            with torch.no_grad():
                x_fake = generator(torch.randn(batch_size, latent_dim))
            loss_d = critic_loss(critic(x_real), critic(x_fake)) + gp_weight * gradient_penalty(critic, x_real, x_fake)
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
        history.append((loss_d.item(), loss_g.item()))
    return history
