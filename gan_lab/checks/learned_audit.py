"""What a lesson's training run was made of, checked before its generator earns credit.

A trained generator's images cannot tell every broken training apart from a correct one. Measured in
lesson 3's budget (``book/results/lesson_calibration/03_training_step.json``), two common mistakes train
an MLP GAN whose scores fall inside the correct code's range: the saturating generator loss
log(1 - D(G(z))) (Goodfellow et al. 2014, section 3), whose small gradients Adam rescales (Kingma & Ba
2015), and a G step that leaves the discriminator unfrozen and fills its ``.grad`` (cleared again by the
next D step's ``zero_grad``, or added to D's update when ``zero_grad`` comes after the step). So "it
learned" means: *your own pieces, each passing its graded check, trained a generator that reaches the bar*.

The pieces are read from the training loop's globals, the notebook's namespace: the loop looks the names
``d_step``, ``g_step``, ... up there each time it runs, so they are the functions that trained the
generator. Each goes through its own graded check (``gan_lab.checks.EXERCISES``: provenance, visible and
hidden cases), losses first, so that the hint names the root cause (swapped labels in
``discriminator_loss`` rather than the ``d_step`` that calls it). The module's name starts with
``learned`` so that a grade cell's ``importlib.reload(gan_lab.checks)`` drops it with the lesson modules.
"""

from __future__ import annotations

import importlib

from gan_lab.checks._guard import fail
from gan_lab.checks._provenance import _unwrap, origin

REFERENCE_MODULES = ("gan_lab", "torchvision", "torch")
LOSSES_AND_STEPS = ("discriminator_loss", "generator_loss_non_saturating", "d_step", "g_step")
PIECES = {  # per training loop: the learner's pieces it runs, causes before the pieces that call them
    "train_gan": (*LOSSES_AND_STEPS, "MLPGenerator", "MLPDiscriminator"),
    "train_conv64": (*LOSSES_AND_STEPS, "Conv64Generator", "Conv64Discriminator"),
    "train_dcgan": LOSSES_AND_STEPS,  # lesson 5 trains gan_lab's DCGAN networks (built by build_dcgan)
}


def loop_namespace(train_fn, loop: str, exercise: str) -> dict:
    """The globals of the learner's training loop: the namespace of the notebook that defined it."""
    fn = _unwrap(train_fn)
    namespace = getattr(fn, "__globals__", None)
    module = str(getattr(fn, "__module__", None) or "").split(".")[0]
    if not callable(train_fn) or not isinstance(namespace, dict) or origin(fn) or module in REFERENCE_MODULES:
        raise fail(
            exercise,
            f"expected your training loop {loop} (a function written in this notebook), got "
            f"{getattr(fn, '__qualname__', type(fn).__name__)}",
            f"pass the function that trained the generator: trained_with={loop}",
        )
    return namespace


def check_own_pieces(train_fn, loop: str) -> None:
    """The loop runs the learner's own pieces: none of the names it relies on may be gan_lab's (or torch's)."""
    namespace = getattr(train_fn, "__globals__", {})
    for piece in PIECES[loop]:
        module = getattr(namespace.get(piece), "__module__", None) or ""
        if module.split(".")[0] in REFERENCE_MODULES:
            raise fail(
                loop,
                f"write your own: `{piece}` in this notebook is {module}.{piece}, gan_lab's reference "
                "implementation, which earns no credit",
                f"paste your own {piece} into the cell of {loop}",
            )


def audit(train_fn, loop: str, exercise: str) -> None:
    """Run the graded check of every piece ``train_fn`` trained with; raise the first failure, naming the piece."""
    exercises = importlib.import_module("gan_lab.checks").EXERCISES  # the graded checks, fresh after a reload
    namespace = loop_namespace(train_fn, loop, exercise)
    for piece in PIECES[loop]:
        if piece not in namespace:
            raise fail(
                exercise,
                f"`{piece}` is not defined in the notebook that defined {loop}, so the run cannot be checked",
                f"run the cell that defines {piece}, then the training again",
            )
        for hidden in (False, True):
            try:
                exercises[piece](namespace[piece], hidden=hidden)
            except (AssertionError, NotImplementedError) as err:
                why = str(err) or f"[{piece}] {type(err).__name__}: not written yet"
                raise AssertionError(
                    f"[{exercise}] your generator was trained with a `{piece}` that fails its check, so its digits "
                    f"earn no credit: {why} Then run the training again."
                ) from None
