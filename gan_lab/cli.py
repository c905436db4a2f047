"""The ``gan-lab`` command line (also ``python -m gan_lab``), generated from dataclass configs.

Each subcommand is a config dataclass plus a function that runs it; every dataclass field becomes a
``--flag`` whose help text and default come from the field, so ``--help`` lists them all. Bad input
ends with one line on stderr and exit status 2; an interrupted run (Ctrl-C) keeps its last checkpoint.
"""

from __future__ import annotations

import argparse
import sys
import typing
from collections.abc import Callable, Sequence
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path

from gan_lab.latent import TRUNCATION_HELP
from gan_lab.runtime import GanLabError


@dataclass
class SampleConfig:
    """Draw images from a trained generator."""

    checkpoint: str = field(default="", metadata={"help": "checkpoint.pt written by 'gan-lab train' (required)"})
    n: int = field(default=64, metadata={"help": "number of images"})
    out: str = field(default="grid.png", metadata={"help": "grid PNG to write"})
    npz: str = field(default="", metadata={"help": "also save the images as an array in [0, 1] to this .npz"})
    seed: int = field(default=0, metadata={"help": "seed for the noise z"})
    truncation: float = field(default=0.0, metadata={"help": TRUNCATION_HELP})
    device: str = field(default="auto", metadata={"help": "auto, cpu, cuda, cuda:N, mps"})


def run_train(cfg) -> None:  # noqa: ANN001
    from gan_lab.train import train

    result = train(cfg)
    print(f"wrote {result.out}/: config.json, checkpoint.pt, samples/, losses.csv, losses.png")


def run_sample(cfg: SampleConfig) -> None:
    import numpy as np
    import torch

    from gan_lab.latent import sample_noise
    from gan_lab.plots import save_grid, to_unit
    from gan_lab.runtime import atomic_write, pick_device
    from gan_lab.train import load_generator

    if not cfg.checkpoint:
        raise GanLabError("--checkpoint is required: the checkpoint.pt of a run made by 'gan-lab train'")
    if cfg.n < 1:
        raise GanLabError(f"--n must be a positive integer, got {cfg.n}")
    device = pick_device(cfg.device)
    generator, train_cfg = load_generator(cfg.checkpoint, device)
    z = sample_noise(cfg.n, train_cfg.latent_dim, cfg.seed, cfg.truncation).to(device)  # (n, latent_dim)
    with torch.no_grad():
        images = generator(z)  # (n, C, H, W) in [-1, 1]
    save_grid(images, cfg.out)
    print(f"wrote {cfg.out} ({cfg.n} images from {cfg.checkpoint})")
    if cfg.npz:
        array = to_unit(images).cpu().numpy().astype(np.float32)  # (n, C, H, W) in [0, 1]
        atomic_write(cfg.npz, lambda tmp: np.savez_compressed(open(tmp, "wb"), images=array))
        print(f"wrote {cfg.npz} (images: {array.shape}, float32 in [0, 1])")


def _commands() -> dict[str, tuple[type, Callable, str]]:
    from gan_lab.evaluate import EvaluateConfig, TrainClassifierConfig, run_evaluate, run_train_classifier
    from gan_lab.train import TrainConfig

    return {
        "train": (TrainConfig, run_train, "train a GAN (mlp, dcgan28, conv64 or dcgan)"),
        "sample": (SampleConfig, run_sample, "draw a grid of samples from a checkpoint"),
        "evaluate": (EvaluateConfig, run_evaluate, "FID, KID, Inception Score, precision/recall, mode coverage"),
        "train-classifier": (TrainClassifierConfig, run_train_classifier, "train the MNIST classifier the metrics use"),
    }


def _add_fields(parser: argparse.ArgumentParser, config_cls: type) -> None:
    hints = typing.get_type_hints(config_cls)
    for f in fields(config_cls):
        flag = "--" + f.name.replace("_", "-")
        kind = hints[f.name]
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        help_text = f"{f.metadata.get('help', '')} (default: {default!r})"
        if kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default, help=help_text)
        else:
            parser.add_argument(flag, type=kind, default=default, choices=f.metadata.get("choices"), help=help_text)


class _Parser(argparse.ArgumentParser):
    """argparse, but a malformed command line gets one line on stderr (not the whole usage) and exit 2."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gan-lab", description="GAN Lab: train, sample and evaluate GANs on MNIST.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name, (config_cls, _, help_text) in _commands().items():
        p = sub.add_parser(name, help=help_text, description=(config_cls.__doc__ or help_text).strip())
        _add_fields(p, config_cls)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # argparse itself exits with 2 on a malformed command line
    config_cls, run, _ = _commands()[args.command]
    cfg = config_cls(**{f.name: getattr(args, f.name) for f in fields(config_cls)})
    try:
        run(cfg)
    except GanLabError as err:
        print(f"gan-lab {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        out = getattr(cfg, "out", "")
        hint = f"; the last finished epoch is in {Path(out) / 'checkpoint.pt'}, continue with --resume" if out else ""
        print(f"gan-lab {args.command}: interrupted{hint}", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
