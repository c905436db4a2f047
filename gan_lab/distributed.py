"""Data-parallel training over several processes: ``torchrun --nproc_per_node=N -m gan_lab train ...``.

References:
- Li et al. 2020, "PyTorch Distributed: Experiences on Accelerating Data Parallel Training"
  (DistributedDataParallel: gradients averaged across processes during backward).
- Ioffe & Szegedy 2015 (BatchNorm's batch statistics, which SyncBatchNorm computes over every process).

Every process draws the same global batch (the same data order and the same noise, from the same seeds)
and trains on its own contiguous shard of it; DistributedDataParallel averages the gradients, so N
processes take the step one process would take on the global batch. Only rank 0 writes files.

BatchNorm: on CUDA the generator's and discriminator's BatchNorm layers become SyncBatchNorm, so the
statistics are those of the global batch and a run does not depend on how many processes trained it
(one all-reduce per BatchNorm layer per forward). torch's SyncBatchNorm runs on GPUs only: on CPU
(gloo) each process normalizes by its own shard's statistics, which is the same as "ghost" BatchNorm on
shards of the global batch, and the running statistics kept are rank 0's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from gan_lab.runtime import GanLabError


@dataclass(frozen=True)
class Group:
    """This process's place among the processes of a run: one process (the default) or a torchrun group."""

    rank: int = 0
    world_size: int = 1

    @property
    def is_writer(self) -> bool:
        """Whether this process writes the run's files (checkpoint, log, figures): rank 0 only."""
        return self.rank == 0

    def shard(self, batch_size: int) -> slice:
        """This process's rows of a global batch of ``batch_size`` (contiguous, equal shares)."""
        share = batch_size // self.world_size
        return slice(self.rank * share, (self.rank + 1) * share)

    def mean(self, tensor: torch.Tensor) -> torch.Tensor:
        """The mean of ``tensor`` over every process (itself when alone)."""
        if self.world_size > 1:
            tensor = tensor.clone()
            dist.all_reduce(tensor)
            tensor /= self.world_size
        return tensor

    def barrier(self) -> None:
        if self.world_size > 1:
            dist.barrier()


def join(device_name: str, batch_size: int) -> tuple[Group, str]:
    """Join the torchrun group this process was started in (if any); return it and the device to use.

    NCCL on CUDA (process ``LOCAL_RANK`` on GPU ``LOCAL_RANK``), gloo on CPU.
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size == 1:
        return Group(), device_name
    if batch_size % world_size:
        raise GanLabError(f"--batch-size {batch_size} must divide evenly among the {world_size} processes")
    cuda = torch.cuda.is_available() and device_name in ("auto", "cuda") or device_name.startswith("cuda")
    if not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    if cuda:
        device_name = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
        torch.cuda.set_device(device_name)
    return Group(dist.get_rank(), dist.get_world_size()), device_name


def leave(group: Group) -> None:
    if group.world_size > 1 and dist.is_initialized():
        dist.destroy_process_group()


def wrap(module: nn.Module, group: Group) -> nn.Module:
    """``module`` as the training loop calls it: DistributedDataParallel in a group, else itself.

    The wrapper shares ``module``'s parameters, so checkpoints keep saving the plain module.
    """
    if group.world_size == 1:
        return module
    device = next(module.parameters()).device
    if device.type == "cuda":
        module = nn.SyncBatchNorm.convert_sync_batchnorm(module)  # in place for children; same state_dict keys
    return DistributedDataParallel(module, device_ids=[device] if device.type == "cuda" else None)


@dataclass
class Nets:
    """What the loop calls: the state's networks, or wrappers sharing their parameters (compiled, DDP)."""

    generator: nn.Module
    discriminator: nn.Module  # in the D step
    discriminator_g: nn.Module  # in the G step: no gradient sync across processes (D gets no gradient there)
    shard: slice = field(default_factory=lambda: slice(None))  # this process's rows of every global batch
