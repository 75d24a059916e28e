"""Memory from the layer graph: parameters, activations, torchinfo's estimate, and training memory.

Training memory is estimated as what stays resident through a training step: parameters and
buffers, one gradient per parameter, the optimizer's state (SGD with momentum keeps one buffer
per parameter, Adam two), and the tensors autograd saves for the backward pass. The saved tensors
follow torch's derivative formulas (checked against ``torch.autograd.graph.saved_tensors_hooks``):

- conv, linear, batch norm, ReLU6, SiLU, GELU, hardswish, hardsigmoid, leaky ReLU, avg pools and
  max pools keep their input; ReLU, sigmoid and tanh keep their output;
- max pools also keep int64 indices (one per output); batch norm keeps its batch mean and inverse
  std (2 per channel, fp32 for half inputs); dropout keeps its mask (1 byte per element on CUDA,
  one element of the dtype on CPU); stochastic depth keeps one mask value per sample;
- a global average pool runs as ``mean`` and keeps nothing; add, concat and zero-pad keep
  nothing; a gating multiply keeps both operands; flatten is a view of its input;
- an op whose inputs need no gradient (a pool straight on the network input) keeps nothing.

A tensor kept by several ops (a ReLU output feeding a conv) is counted once. Transient memory
(cuDNN workspaces, gradients of activations during backward, allocator slack) comes on top.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from math import prod
from typing import Any

from archspec.backends.inplace import inplace_acts
from archspec.graph import Graph

DTYPE_BYTES = {"fp32": 4, "float32": 4, "fp16": 2, "float16": 2, "half": 2, "bf16": 2, "bfloat16": 2, "fp64": 8, "float64": 8}
INDEX_BYTES = 8  # max-pool indices are int64
TORCHINFO_INPUT_OVERHEAD = 64  # torchinfo sizes its input with sys.getsizeof(storage): nbytes + the storage object
OPTIMIZER_STATES = {"sgd": 0, "sgd_momentum": 1, "adam": 2}  # state buffers per parameter

def dtype_bytes(dtype: str) -> int:
    """Bytes per element of a dtype name (fp32, fp16, bf16, fp64 and their torch spellings)."""
    key = dtype.lower().removeprefix("torch.")
    if key not in DTYPE_BYTES:
        raise ValueError(f"unknown dtype `{dtype}` (known: {', '.join(DTYPE_BYTES)})")
    return DTYPE_BYTES[key]


@dataclass(frozen=True, slots=True)
class Kept:
    """What one node keeps for backward, per sample unless said otherwise."""

    output: bool = False  # its own output is kept (by itself or by a consumer)
    index: int = 0  # int64 elements
    mask: int = 0  # dropout mask elements (1 byte on CUDA, the dtype on CPU)
    sample_mask: int = 0  # stochastic-depth mask elements, in the dtype
    stats: int = 0  # batch-norm statistics, fp32 (or wider), independent of the batch
    sample_stats: int = 0  # layer-norm statistics (mean, 1/std per position), fp32 (or wider), per sample


def saved(g: Graph) -> tuple[bool, list[Kept]]:
    """Whether the network input is kept, and what each node keeps, for one training step."""
    owner: dict[int, int] = {-1: -1}
    grad: dict[int, bool] = {-1: False}
    kept_values: set[int] = set()
    extras: list[dict[str, int]] = []
    inplace = inplace_acts(g)  # as the torch backend runs them
    for n in g.nodes:
        ins = list(n.inputs)
        defn = n.defn
        owner[n.id] = owner[ins[0]] if defn.aliases(n.attrs) else n.id
        needs = n.params > 0 or any(grad[i] for i in ins)  # a layer with weights, or a gradient flowing through
        grad[n.id] = needs
        extra: dict[str, int] = {}
        keep: list[int] = []
        if needs:
            keep, extra = defn.saved(n, grad, n.id in inplace)
        kept_values.update(owner[v] for v in keep)
        extras.append(extra)
    out = [Kept(output=n.id in kept_values, **e) for n, e in zip(g.nodes, extras, strict=True)]
    return -1 in kept_values, out


@dataclass(frozen=True)
class Memory:
    """Memory of one network at one batch size and dtype, in bytes."""

    batch: int
    dtype: str
    bytes_per_element: int
    params: int
    buffers: int
    grads: int
    sgd_momentum: int
    adam: int
    input: int
    activations: int  # every layer's output, once (what a forward pass writes)
    peak_activation: int  # the largest single layer output
    saved: int  # what autograd keeps for backward
    torchinfo: dict[str, Any]

    @property
    def train_sgd_momentum(self) -> int:
        return self.params + self.buffers + self.grads + self.sgd_momentum + self.saved

    @property
    def train_adam(self) -> int:
        return self.params + self.buffers + self.grads + self.adam + self.saved

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["train_sgd_momentum"] = self.train_sgd_momentum
        d["train_adam"] = self.train_adam
        return d


def layer_saved_bytes(g: Graph, dtype: str = "fp32", device: str = "cuda",
                      kept: tuple[bool, list[Kept]] | None = None) -> tuple[int, list[int]]:
    """Bytes kept for backward per sample: the network input's share, and each node's share.

    A kept tensor is charged to the node that produced it; extra buffers to the node keeping them.
    Batch-norm statistics (per channel, not per sample) are left to ``estimate``.
    """
    e = dtype_bytes(dtype)
    mask_bytes = 1 if device.startswith("cuda") else e
    input_kept, per_kept = kept or saved(g)
    per_node = [(prod(n.out) * e if k.output else 0) + k.index * INDEX_BYTES + k.mask * mask_bytes + k.sample_mask * e
                + k.sample_stats * max(4, e)
                for n, k in zip(g.nodes, per_kept, strict=True)]
    return (prod(g.input) * e if input_kept else 0), per_node


def estimate(g: Graph, params: int, batch: int = 1, dtype: str = "fp32", device: str = "cuda") -> Memory:
    """Memory at ``batch`` samples in ``dtype``; ``device`` decides how dropout masks are stored."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    e = dtype_bytes(dtype)
    kept = saved(g)
    input_share, per_node = layer_saved_bytes(g, dtype, device, kept)
    stats = sum(k.stats for k in kept[1]) * max(4, e)
    buffers = sum(n.defn.buffers(n.attrs, e) for n in g.nodes)  # a norm's running statistics
    outputs = [prod(n.out) for n in g.nodes]
    # torchinfo sees layers (modules) only: a parameter held by a container (layer scale's γ) is not one.
    layers = [n for n in g.nodes if n.params > 0 and n.defn.module]
    with_params = sum(prod(n.out) for n in layers)
    input_bytes = batch * prod(g.input) * e
    ti = {
        "input_bytes": input_bytes + TORCHINFO_INPUT_OVERHEAD,
        "forward_backward_bytes": 2 * batch * with_params * e,  # outputs of layers with parameters, ×2 for gradients
        "params_bytes": sum(n.params for n in layers) * e,
    }
    ti["total_bytes"] = ti["input_bytes"] + ti["forward_backward_bytes"] + ti["params_bytes"]
    ti["printed_mb"] = {k.removesuffix("_bytes"): f"{v / 1e6:0.2f}" for k, v in ti.items()}
    return Memory(
        batch=batch, dtype=dtype, bytes_per_element=e,
        params=params * e, buffers=buffers, grads=params * e,
        sgd_momentum=params * e * OPTIMIZER_STATES["sgd_momentum"], adam=params * e * OPTIMIZER_STATES["adam"],
        input=input_bytes, activations=batch * sum(outputs) * e, peak_activation=batch * max(outputs, default=0) * e,
        saved=batch * (input_share + sum(per_node)) + stats, torchinfo=ti,
    )
