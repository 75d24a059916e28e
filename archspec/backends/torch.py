"""Layer graph → ``torch.nn.Module``.

Each layer node becomes a standard ``torch.nn`` layer registered at its hierarchical path
(``stage1.0.conv1``), in data-flow order, so a foreign ``state_dict`` maps on by position. The
wiring (adds, concats, gates) becomes a ``torch.fx`` graph whose ``forward`` is generated Python
code: nothing interprets the layer graph at run time.
"""

from __future__ import annotations

import keyword
import operator
from collections import Counter
from typing import Any

import torch
import torch.nn.functional as F
from torch import fx, nn

from archspec.backends.init import materialize
from archspec.graph import Graph, Node

_ACTS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "relu6": nn.ReLU6,
    "silu": nn.SiLU,
    "sigmoid": nn.Sigmoid,
    "hardswish": nn.Hardswish,
    "hardsigmoid": nn.Hardsigmoid,
    "gelu": nn.GELU,
    "tanh": nn.Tanh,
    "leaky_relu": nn.LeakyReLU,
}


class StochasticDepth(nn.Module):
    """Drop the whole residual branch per sample with probability ``p`` (training only).

    Huang et al., 2016, "Deep Networks with Stochastic Depth"; the "row" mode of torchvision.
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        mask = torch.empty((x.shape[0],) + (1,) * (x.ndim - 1), dtype=x.dtype, device=x.device).bernoulli_(keep)
        return x * mask / keep

    def extra_repr(self) -> str:
        return f"p={self.p}"


def zeropad_shortcut(x: torch.Tensor, s: int, pad: int) -> torch.Tensor:
    """The ResNet paper's option A shortcut: subsample by ``s`` and append ``pad`` zero channels."""
    if s > 1:
        x = x[:, :, ::s, ::s]
    return F.pad(x, (0, 0, 0, 0, 0, pad)) if pad else x


# Activations that can overwrite their input; ops that make a fresh tensor whose backward does not
# read it (a ReLU's or a sigmoid's does), and ops that hand their input on unchanged at inference.
_INPLACE_ACTS = frozenset({"relu", "relu6", "silu", "hardswish", "hardsigmoid", "leaky_relu"})
_FRESH = frozenset({"conv", "norm", "linear", "add"})
_PASS_ON = frozenset({"dropout", "droppath"})


def overwritable(g: Graph) -> frozenset[int]:
    """The nodes whose output the next op may overwrite, as torchvision's ``inplace=True`` activations and
    ``out += identity`` do: made fresh by a conv, norm, linear or add (or passed on by dropout from one)
    and read by one node only. Each saves an allocation and a pass over memory: ~10% of a CPU forward
    pass at batch 32."""
    readers = Counter(i for n in g.nodes for i in n.inputs)
    readers[g.output] += 1
    ok: set[int] = set()
    for n in g.nodes:  # in data-flow order: a node's inputs are settled before it
        if readers[n.id] == 1 and (n.op in _FRESH or (n.op in _PASS_ON and n.inputs[0] in ok)):
            ok.add(n.id)
    return frozenset(ok)


def inplace_acts(g: Graph) -> frozenset[int]:
    """The activation nodes that run in place: their input is ``overwritable``."""
    ok = overwritable(g)
    return frozenset(n.id for n in g.nodes if n.op == "act" and n.attrs["kind"] in _INPLACE_ACTS and n.inputs[0] in ok)


def make_layer(n: Node, device: str | torch.device | None = None, inplace: bool = False) -> nn.Module:
    """The ``torch.nn`` layer for one node that holds a module; its tensors on ``device`` (default: the
    default device); an activation with ``inplace`` overwrites its input (see ``inplace_acts``)."""
    a = n.attrs
    if n.op == "conv":
        return nn.Conv2d(a["in_c"], a["out_c"], a["k"], a["s"], a["p"], a["d"], a["g"], bias=a["bias"], device=device)
    if n.op == "norm":
        cls = nn.BatchNorm2d if a["dims"] == 3 else nn.BatchNorm1d
        return cls(a["c"], eps=a["eps"], momentum=a["momentum"], device=device)
    if n.op == "act":
        return _ACTS[a["kind"]](inplace=True) if inplace else _ACTS[a["kind"]]()
    if n.op == "maxpool":
        if a["global"] or a.get("adaptive"):
            return nn.AdaptiveMaxPool2d(a.get("size", 1))
        return nn.MaxPool2d(a["k"], a["s"], a["p"], ceil_mode=a["ceil"])
    if n.op == "avgpool":
        if a["global"] or a.get("adaptive"):
            return nn.AdaptiveAvgPool2d(a.get("size", 1))
        return nn.AvgPool2d(a["k"], a["s"], a["p"], ceil_mode=a["ceil"])
    if n.op == "linear":
        return nn.Linear(a["in_f"], a["out_f"], bias=a["bias"], device=device)
    if n.op == "dropout":
        return nn.Dropout(a["p"])
    if n.op == "droppath":
        return StochasticDepth(a["p"])
    if n.op == "flatten":
        return nn.Flatten(1)
    raise ValueError(f"no torch layer for op {n.op!r}")


_FUNCTIONS = {"add": operator.add, "mul": operator.mul}


def _reserved() -> frozenset[str]:
    g = fx.Graph()
    g.output(g.placeholder("x"))
    return frozenset(dir(fx.GraphModule(nn.Module(), g))) | frozenset(keyword.kwlist)


# Attributes of a GraphModule: a submodule of that name would clash (a stage named `forward`); and
# Python's keywords, which fx's generated code would write as attributes (`self.class.conv1`).
_RESERVED = _reserved()


def _target(path: str) -> str:
    """The submodule path of a node: its name, with a part that clashes with a module attribute
    (`stage forward:`, `stage eval:`) given a trailing underscore."""
    return ".".join(p + "_" if p in _RESERVED else p for p in path.split("."))


def _register(root: nn.Module, path: str, module: nn.Module) -> None:
    parent = root
    *heads, last = path.split(".")
    for part in heads:
        child = parent._modules.get(part)
        if child is None:
            child = nn.Module()
            parent.add_module(part, child)
        parent = child
    parent.add_module(last, module)


def _class_name(name: str) -> str:
    """``resnet50`` → ``Resnet50``; a keyword it would spell (``network none``) gets an underscore."""
    cls = "".join(p[:1].upper() + p[1:] for p in name.replace("-", "_").split("_") if p) or "Network"
    return cls + "_" if keyword.iskeyword(cls) else cls


def build(g: Graph, device: str | torch.device | None = None, dtype: torch.dtype | None = None) -> fx.GraphModule:
    """Compile a layer graph into an ``fx.GraphModule`` of standard layers, freshly initialised with
    PyTorch's default distributions (``torch.manual_seed`` fixes them; see ``archspec.backends.init``)."""
    root = nn.Module()
    graph = fx.Graph()
    values: dict[int, fx.Node] = {-1: graph.placeholder("x")}
    inplace, ok = inplace_acts(g), overwritable(g)
    shapes = {n.id: n.out for n in g.nodes}
    for n in g.nodes:
        args = [values[i] for i in n.inputs]
        first = next((i for i in n.inputs if i in ok and shapes[i] == n.out), None) if n.op == "add" else None
        if first is not None:  # `a += b` on the operand nothing else reads
            rest = list(n.inputs)
            rest.remove(first)
            values[n.id] = graph.call_function(operator.iadd, (values[first], *(values[i] for i in rest)))
        elif n.op in _FUNCTIONS:
            values[n.id] = graph.call_function(_FUNCTIONS[n.op], tuple(args))
        elif n.op == "concat":
            values[n.id] = graph.call_function(torch.cat, (args, 1))
        elif n.op == "zeropad":
            values[n.id] = graph.call_function(zeropad_shortcut, (args[0], n.attrs["s"], n.attrs["pad"]))
        else:
            target = _target(n.name)
            # On the meta device: no memory and no init yet; materialize() does both, in parallel.
            _register(root, target, make_layer(n, device="meta", inplace=n.id in inplace))
            values[n.id] = graph.call_module(target, (args[0],))
    graph.output(values[g.output])
    home = torch.empty(0).device  # where the layers would have been made: the default device
    module = materialize(fx.GraphModule(root, graph, class_name=_class_name(g.name)), home)
    if device is not None or dtype is not None:
        module = module.to(device=device, dtype=dtype)
    return module


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` picks CUDA when available."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def copy_by_position(module: nn.Module, state_dict: dict[str, Any]) -> dict[str, str]:
    """Load a foreign ``state_dict`` by position: same order, same shapes; names may differ.

    BatchNorm's ``num_batches_tracked`` counters may be missing on one side (some exporters drop
    them). A failure names the first entry that differs, both keys and both shapes. Returns the
    mapping of our keys to theirs.
    """
    ours, theirs = module.state_dict(), dict(state_dict)
    skip = len(ours) != len(theirs) and len(_no_counters(ours)) == len(_no_counters(theirs))
    if skip:
        ours, theirs = _no_counters(ours), _no_counters(theirs)
    count = f"state_dict has {len(theirs)} entries, the module {len(ours)}; " if len(ours) != len(theirs) else ""
    pairs = list(zip(ours.items(), theirs.items(), strict=False))
    for i, ((k_ours, v_ours), (k_theirs, v_theirs)) in enumerate(pairs):
        if tuple(v_ours.shape) != tuple(v_theirs.shape):
            raise ValueError(f"{count}shape mismatch at entry {i}: {k_ours} {tuple(v_ours.shape)} vs {k_theirs} "
                             f"{tuple(v_theirs.shape)}")
    if count:
        side, (key, value) = ("module", list(ours.items())[len(pairs)]) if len(ours) > len(theirs) else \
            ("state_dict", list(theirs.items())[len(pairs)])
        raise ValueError(f"{count}the first entry without a partner is the {side}'s {key} {tuple(value.shape)}")
    module.load_state_dict({k_ours: v for (k_ours, _), (_, v) in pairs}, strict=not skip)
    return {k_ours: k_theirs for (k_ours, _), (k_theirs, _) in pairs}


def _no_counters(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if not k.endswith("num_batches_tracked")}
