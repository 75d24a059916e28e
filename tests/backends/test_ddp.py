"""A compiled network trains under DistributedDataParallel: 2 CPU processes, gloo, 127.0.0.1.

Each rank starts from different random weights on purpose (DDP must broadcast rank 0's) and sees
different data; after a few steps the two replicas' parameters must be identical. The workers
are this file run as a script, so the test bounds them with a timeout and kills them if needed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
WORLD = 2
STEPS = 3
TIMEOUT_S = 240


def worker(rank: int, world: int, port: int, out: Path) -> None:
    """One DDP rank: build resnet18 from its spec, train ``STEPS`` steps, save its parameters."""
    import torch.distributed as dist
    import torch.nn.functional as F
    from torch.nn.parallel import DistributedDataParallel as DDP

    import archspec

    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world,
                            timeout=timedelta(seconds=60))
    try:
        torch.set_num_threads(1)
        torch.manual_seed(100 + rank)  # different on each rank: the replicas agree only through DDP
        model = archspec.load("resnet18", overrides={"resolution": 32}).to_torch().train()
        torch.save({k: v.detach().clone() for k, v in model.named_parameters()}, out / f"init{rank}.pt")
        ddp = DDP(model)
        opt = torch.optim.SGD(ddp.parameters(), lr=0.05, momentum=0.9)
        data = torch.Generator().manual_seed(rank)  # each rank its own shard
        for _ in range(STEPS):
            x = torch.randn(4, 3, 32, 32, generator=data)
            y = torch.randint(0, 1000, (4,), generator=data)
            loss = F.cross_entropy(ddp(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        torch.save({k: v.detach().clone() for k, v in model.named_parameters()}, out / f"final{rank}.pt")
    finally:
        dist.destroy_process_group()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_ddp_replicas_stay_in_sync(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, __file__, str(rank), str(WORLD), str(port), str(tmp_path)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for rank in range(WORLD)]
    logs = []
    try:
        for p in procs:
            logs.append(p.communicate(timeout=TIMEOUT_S)[0])
    except subprocess.TimeoutExpired:
        pytest.fail(f"DDP workers did not finish within {TIMEOUT_S} s")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for rank, p in enumerate(procs):
        assert p.returncode == 0, f"rank {rank} failed:\n{logs[rank][-3000:] if rank < len(logs) else ''}"

    init = [torch.load(tmp_path / f"init{r}.pt") for r in range(WORLD)]
    final = [torch.load(tmp_path / f"final{r}.pt") for r in range(WORLD)]
    assert any(not torch.equal(init[0][k], init[1][k]) for k in init[0]), "the ranks started equal: the test proves nothing"
    assert list(final[0]) == list(final[1])
    for k in final[0]:
        assert torch.equal(final[0][k], final[1][k]), f"replicas differ at {k}"
    moved = sum(not torch.equal(init[0][k], final[0][k]) for k in final[0])
    assert moved == len(final[0]), f"only {moved}/{len(final[0])} parameters trained"


@pytest.mark.slow
def test_torchrun_example_trains_in_sync() -> None:
    """The README's recipe: examples/train_ddp.py under torchrun, 2 CPU ranks."""
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", str(WORLD),
           "--master_addr", "127.0.0.1", "--master_port", str(free_port()),
           "examples/train_ddp.py", "resnet18", "--steps", "2", "--batch", "4", "--resolution", "32"]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"torchrun did not finish within {TIMEOUT_S} s")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "step 2/2" in done.stdout
    assert "resnet18: 2 replicas in sync" in done.stdout


if __name__ == "__main__":
    worker(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
