"""Calling a learner's whole training loop inside a check: the order of its optimizer steps, and its errors as hints.

The loop checks of the 2-D lab (lesson 8) and of the conditional GAN (lesson 9) both run the learner's loop on
small networks and ask which network each optimizer step updated; an exception from the learner's code becomes
a hint naming the likely mistake instead of a traceback.
"""

from __future__ import annotations

from torch import nn
from torch.optim.optimizer import register_optimizer_step_post_hook

from gan_lab.checks._guard import fail


def call_loop(
    train_fn,
    args: tuple,
    kwargs: dict,
    owners: dict[str, nn.Module],
    exercise: str,
    second_backward: tuple[str, str],
    signature: str,
) -> tuple[object, list[str]]:
    """``train_fn(*args, **kwargs)``; returns what it returned and, per optimizer step, the tag in ``owners`` of the
    network it updated ('?' when it updated parameters of several, or of none of them).

    ``second_backward``: (mistake, fix) for "backward through the graph a second time", the sign of a missing
    detach; ``signature``: the fix for any other exception (how the loop must be callable).
    """
    owner = {id(p): tag for tag, net in owners.items() for p in net.parameters()}
    order: list[str] = []

    def record(optimizer, _args, _kwargs) -> None:
        tags = {owner.get(id(p), "?") for group in optimizer.param_groups for p in group["params"]}
        order.append(tags.pop() if len(tags) == 1 else "?")

    handle = register_optimizer_step_post_hook(record)
    try:
        history = train_fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except AssertionError as err:
        if str(err).startswith(f"[{exercise}]"):
            raise
        raise fail(
            exercise, f"it raised AssertionError: {err}", "run the training cell and read the traceback"
        ) from None
    except Exception as err:
        if "backward through the graph a second time" in str(err):
            raise fail(exercise, *second_backward) from None
        raise fail(exercise, f"it raised {type(err).__name__}: {str(err).strip()[:200]}", signature) from None
    finally:
        handle.remove()
    return history, order
