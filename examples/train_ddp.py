"""Train a network compiled from its spec under DistributedDataParallel, launched by torchrun.

    torchrun --nproc_per_node 2 examples/train_ddp.py resnet18 --steps 20 --resolution 64
    torchrun --nproc_per_node 8 examples/train_ddp.py specs/efficientnet.arch:b3 --backend nccl

Every rank compiles the same spec (no weights travel: DDP broadcasts rank 0's at wrap time),
trains on its own shard of synthetic data, and at the end checks that all replicas hold the same
parameters. Swap ``batches`` for a real ``DataLoader`` with a ``DistributedSampler`` to train for real.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

import archspec


def batches(shape: tuple[int, int, int], classes: int, batch: int, seed: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Endless synthetic (images, labels) of the network's input shape, different on each rank."""
    gen = torch.Generator().manual_seed(seed)
    while True:
        yield torch.randn(batch, *shape, generator=gen), torch.randint(0, classes, (batch,), generator=gen)


def replicas_in_sync(model: torch.nn.Module) -> bool:
    """Whether every rank holds exactly rank 0's parameters."""
    flat = torch.cat([p.detach().reshape(-1).cpu() for p in model.parameters()])
    mine = flat.clone()
    dist.broadcast(flat, src=0)
    same = torch.tensor([int(torch.equal(mine, flat))])
    dist.all_reduce(same, op=dist.ReduceOp.MIN)
    return bool(same.item())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spec", help="a .arch file, path.arch:variant, or a zoo name")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--batch", type=int, default=8, help="per rank")
    ap.add_argument("--resolution", type=int, help="override the input resolution (ρ as pixels)")
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--backend", default="gloo", help="gloo (CPU) or nccl (one GPU per rank)")
    args = ap.parse_args()

    dist.init_process_group(args.backend)  # rank, world size and address come from torchrun
    rank, world = dist.get_rank(), dist.get_world_size()
    try:
        device = torch.device("cpu")
        if args.backend == "nccl":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
            torch.cuda.set_device(device)
        overrides = {"resolution": args.resolution} if args.resolution else None
        net = archspec.load(args.spec, overrides=overrides)
        model = net.to_torch(device=device).train()
        ddp = DDP(model, device_ids=[device.index] if device.type == "cuda" else None)
        opt = torch.optim.SGD(ddp.parameters(), lr=args.lr, momentum=0.9)
        data = batches(net.input, net.output[0], args.batch, seed=rank)
        for step in range(1, args.steps + 1):
            x, y = next(data)
            loss = F.cross_entropy(ddp(x.to(device)), y.to(device))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if rank == 0:
                print(f"step {step}/{args.steps}  loss {loss.item():.4f}", flush=True)
        synced = replicas_in_sync(model)
        if rank == 0:
            print(f"{net.name}: {world} replicas {'in sync' if synced else 'DIVERGED'}", flush=True)
        if not synced:
            raise SystemExit(1)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
