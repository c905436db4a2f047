"""Every optimizer step taken through a closure, opt.step(closure), the form L-BFGS needs and Adam accepts: the
closure zeroes the gradients, computes the loss, backpropagates and returns it. Legal: each step still updates one
network, critic steps n_critic times before each generator step, both rates decay linearly to 0."""

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
    history = []
    for _ in range(steps):
        for _ in range(n_critic):
            x_real = x_train[torch.randint(0, x_train.shape[0], (batch_size,))]
            x_fake = generator(torch.randn(batch_size, latent_dim)).detach()

            def critic_closure(x_real=x_real, x_fake=x_fake):
                opt_d.zero_grad()
                loss = critic_loss(critic(x_real), critic(x_fake)) + gp_weight * gradient_penalty(
                    critic, x_real, x_fake
                )
                loss.backward()
                return loss

            loss_d = opt_d.step(critic_closure)
        z = torch.randn(batch_size, latent_dim)

        def generator_closure(z=z):
            opt_g.zero_grad()
            loss = generator_loss(critic(generator(z)))
            loss.backward()
            return loss

        loss_g = opt_g.step(generator_closure)
        for schedule in decay:
            schedule.step()
        history.append((loss_d.item(), loss_g.item()))
    return history
