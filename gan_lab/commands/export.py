"""``gan-lab export``: a trained generator as an ONNX file, to run without PyTorch (e.g. in onnxruntime).

References: the ONNX format (https://onnx.ai); PyTorch's exporter ``torch.onnx.export``.

The file has one input ``z`` (N, latent_dim) float32 or, for a class-conditional model, two: ``z`` and
``labels`` (N,) int64; one output ``images`` (N, C, H, W) in [-1, 1]. The batch size is free. The
generator exported is the one ``gan-lab sample`` draws from (the moving average when the run kept one),
in eval mode (BatchNorm on its running statistics). The run's model, latent_dim, number of classes and
epoch are written into the file's metadata.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch

from gan_lab.checkpoint import load_run
from gan_lab.config import RunOptions
from gan_lab.models import model_spec
from gan_lab.runtime import GanLabError, atomic_write, expect_suffix

FORMATS = ("onnx",)
OPSET = 17  # supported by every onnxruntime release since 1.12


@dataclass
class ExportConfig(RunOptions):
    """Export a trained generator for inference outside PyTorch."""

    checkpoint: str = field(default="", metadata={"help": "checkpoint.pt written by 'gan-lab train' (required)"})
    format: str = field(default="onnx", metadata={"help": "file format", "choices": FORMATS})
    out: str = field(default="", metadata={"help": "file to write (default: generator.onnx beside the checkpoint)"})


def _onnx():
    try:
        import onnx
    except ImportError:
        raise GanLabError("exporting needs onnx: pip install 'gan-lab[export]' (or onnx==1.23.2)") from None
    return onnx


def export_onnx(
    generator: torch.nn.Module, latent_dim: int, num_classes: int, path: str | Path, metadata: dict | None = None
) -> Path:
    """Write ``generator`` (in eval mode, on the CPU) to ``path`` as checked ONNX with ``metadata`` in it.

    Conditional when ``num_classes`` > 0: a second input, ``labels``."""
    onnx = _onnx()
    z = torch.zeros(2, latent_dim)  # (2, latent_dim): an example input; the batch axis is left dynamic
    args: tuple[torch.Tensor, ...] = (z, torch.zeros(2, dtype=torch.long)) if num_classes else (z,)
    names = ["z", "labels"][: len(args)]
    generator = generator.cpu().eval()

    def write(tmp: str) -> None:
        with warnings.catch_warnings():
            # the TorchScript exporter (dynamo=False) needs only onnx; the newer default also needs onnxscript
            warnings.simplefilter("ignore", DeprecationWarning)
            # the networks' input checks read shapes as Python values; traced on valid inputs they always pass,
            # so the exporter's "treated as a constant" warnings say nothing a user can act on
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            torch.onnx.export(
                generator,
                args,
                tmp,
                input_names=names,
                output_names=["images"],
                dynamic_axes={name: {0: "batch"} for name in [*names, "images"]},
                opset_version=OPSET,
                dynamo=False,
            )
        model = onnx.load(tmp)
        onnx.checker.check_model(model)
        onnx.helper.set_model_props(model, {k: str(v) for k, v in (metadata or {}).items()})
        onnx.save(model, tmp)

    atomic_write(path, write)
    return Path(path)


def run(cfg: ExportConfig) -> Path:
    if not cfg.checkpoint:
        raise GanLabError("--checkpoint is required: the checkpoint.pt of a run made by 'gan-lab train'")
    if cfg.format not in FORMATS:
        raise GanLabError(f"unknown format {cfg.format!r}: expected one of {', '.join(FORMATS)}")
    _onnx()  # before any work: a missing onnx is a one-line error
    cfg.setup()
    if cfg.out:
        expect_suffix("--out", cfg.out, "." + cfg.format)
    trained = load_run(cfg.checkpoint, "cpu")
    latent_dim, num_classes = trained.config.latent_dim, model_spec(trained.config.model).num_classes
    out = Path(cfg.out) if cfg.out else Path(cfg.checkpoint).with_name("generator.onnx")
    # the run's facts travel with the file: a user of the .onnx needs latent_dim to draw z
    meta = {"model": trained.config.model, "latent_dim": latent_dim, "num_classes": num_classes, "epoch": trained.epoch}
    export_onnx(trained.sampler, latent_dim, num_classes, out, meta)
    inputs = "z (N, latent_dim), labels (N,) int64" if num_classes else "z (N, latent_dim)"
    print(f"wrote {out}: inputs {inputs} -> images (N, C, H, W) in [-1, 1]; latent_dim {latent_dim}")
    return out
