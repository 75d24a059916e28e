"""Allocate a module made on the meta device and give it PyTorch's default initialisation, in parallel.

Made eagerly, every layer initialises its weight as it is constructed, one ``kaiming_uniform_``
after another on one core: for ResNet-152's 60 M parameters that is most of the time to compile a
spec. ``build`` instead makes the layers on the meta device (no memory, no init); ``materialize``
allocates them and fills every weight with the distribution PyTorch's own layer would give it:

- conv and linear: weight ~ U(-b, b) with b = √3 · gain(leaky_relu, √5) / √fan_in (what
  ``kaiming_uniform_(a=√5)`` draws), bias ~ U(-1/√fan_in, 1/√fan_in);
- every other layer with state (BatchNorm): its own ``reset_parameters()`` (weight 1, bias 0,
  running statistics reset).

The uniform draws are cut into tasks of about ``PIECE`` values, each drawn from its own generator,
on ``torch.get_num_threads()`` threads (a draw holds no lock on a private generator and releases the
GIL). The tasks' seeds come from the default CPU generator, so ``torch.manual_seed`` still fixes
every weight, whatever the number of threads. The draws start once every layer is made: drawing
while the main thread builds the rest was slower, the threads waiting on the GIL.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import torch
from torch import nn

PIECE = 1 << 20  # values a task draws: big enough to amortise a generator, small enough to balance threads
_GAIN = nn.init.calculate_gain("leaky_relu", math.sqrt(5))  # PyTorch's default for conv and linear

Task = list[tuple[torch.Tensor, float]]  # flat views and the bound of each one's U(-b, b)


def materialize(module: nn.Module, device: torch.device, fills: dict[str, float] | None = None) -> nn.Module:
    """``module`` (made on the meta device) allocated on ``device`` and initialised as PyTorch's defaults;
    ``fills``: parameters held by containers (layer scale's γ), by path, and the value each starts at."""
    if device.type == "meta":  # asked for a module without memory (shapes only): it is one already
        return module
    # As module.to_empty(device), whose empty_like of a meta tensor first imports sympy (~0.4 s).
    module = module._apply(lambda t: torch.empty(t.shape, dtype=t.dtype, device=device))
    uniform: list[tuple[torch.Tensor, float]] = []
    fills = fills or {}
    held = {id(module.get_parameter(path)) for path in fills}
    with torch.no_grad():
        for path, value in fills.items():
            module.get_parameter(path).fill_(value)
        for m in module.modules():
            own = [p for p in m.parameters(recurse=False)]
            if own and all(id(p) in held for p in own) and next(m.buffers(recurse=False), None) is None:
                continue  # a container whose only state is a held parameter, filled above
            if isinstance(m, (nn.modules.conv._ConvNd, nn.Linear)):
                fan_in = m.weight[0].numel()
                uniform.append((m.weight, math.sqrt(3.0) * _GAIN / math.sqrt(fan_in)))
                if m.bias is not None:
                    uniform.append((m.bias, 1 / math.sqrt(fan_in)))
            elif next(m.parameters(recurse=False), None) is not None or next(m.buffers(recurse=False), None) is not None:
                reset = getattr(m, "reset_parameters", None)
                if reset is None:
                    raise TypeError(f"no way to initialise a {type(m).__name__}: it has state but no reset_parameters()")
                reset()
    _fill(_tasks(uniform), device)
    return module


def _tasks(uniform: list[tuple[torch.Tensor, float]]) -> list[Task]:
    """The tensors' values in order, cut into tasks of about PIECE values (small tensors share one)."""
    tasks: list[Task] = []
    current: Task = []
    size = 0
    for tensor, bound in uniform:
        for view in tensor.detach().view(-1).split(PIECE):
            current.append((view, bound))
            size += view.numel()
            if size >= PIECE:
                tasks.append(current)
                current, size = [], 0
    if current:
        tasks.append(current)
    return tasks


def _fill(tasks: list[Task], device: torch.device) -> None:
    seeds = torch.randint(0, 2**62, (len(tasks),), device="cpu").tolist()  # from the default generator

    def draw(i: int) -> None:
        g = torch.Generator(device=device).manual_seed(seeds[i])
        for view, bound in tasks[i]:
            view.uniform_(-bound, bound, generator=g)

    # An accelerator draws fast enough alone; a CPU uses the threads torch is allowed.
    workers = min(torch.get_num_threads(), len(tasks)) if device.type == "cpu" else 1
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(draw, range(len(tasks))))
    else:
        for i in range(len(tasks)):
            draw(i)
