"""Layer graph → ``torch.nn.Module``.

Each layer node becomes a standard ``torch.nn`` layer registered at its hierarchical path
(``stage1.0.conv1``), in data-flow order, so a foreign ``state_dict`` maps on by position. The
wiring (adds, concats, gates) becomes a ``torch.fx`` graph whose ``forward`` is generated Python
code: nothing interprets the layer graph at run time.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import fx, nn

from archspec.backends.init import materialize
from archspec.backends.inplace import inplace_acts, overwritable
from archspec.backends.layers import StochasticDepth, zeropad_shortcut
from archspec.backends.naming import class_name, target
from archspec.graph import Graph, Node
from archspec.layerops import Unsupported

__all__ = ["StochasticDepth", "build", "copy_by_position", "inplace_acts", "make_layer", "module", "overwritable",
           "resolve_device", "zeropad_shortcut"]


def make_layer(n: Node, device: str | torch.device | None = None, inplace: bool = False) -> nn.Module:
    """The ``torch.nn`` layer of a node whose op is a module; its tensors on ``device`` (default: the
    default device); with ``inplace`` it overwrites its input (see ``inplace_acts``)."""
    d = n.defn
    if not d.module:
        raise Unsupported(n.op, "the torch backend", "it is a function in forward(), not a layer", n.span)
    return d.torch_module(n.attrs, device=device, inplace=inplace)


def build(g: Graph, device: str | torch.device | None = None, dtype: torch.dtype | None = None) -> fx.GraphModule:
    """Compile a layer graph into an ``fx.GraphModule`` of standard layers, freshly initialised with
    PyTorch's default distributions (``torch.manual_seed`` fixes them; see ``archspec.backends.init``)."""
    root = nn.Module()
    graph = fx.Graph()
    values: dict[int, fx.Node] = {-1: graph.placeholder("x")}
    inplace, ok = inplace_acts(g), overwritable(g)
    shapes = {n.id: n.out for n in g.nodes}
    fills: dict[str, float] = {}  # parameters held by function ops (layer scale's γ), and their starting value
    for n in g.nodes:
        d = n.defn
        if d.module:
            path = target(n.name)
            # On the meta device: no memory and no init yet; materialize() does both, in parallel.
            _register(root, path, d.torch_module(n.attrs, device="meta", inplace=n.id in inplace))
            values[n.id] = graph.call_module(path, (values[n.inputs[0]],))
            continue
        ins = list(n.inputs)
        # An op that may accumulate into an operand nothing else reads (`out += identity`): that one first.
        first = next((i for i in ins if i in ok and shapes[i] == n.out), None) if d.accumulates else None
        if first is not None:
            ins.remove(first)
            ins.insert(0, first)
        held = d.parameter(n.attrs)
        extra = []
        if held is not None:  # a parameter of the enclosing module, as torchvision's CNBlock.layer_scale
            path = target(n.name)
            _register(root, path, nn.Parameter(torch.empty(held[0], device="meta")))
            fills[path] = held[1]
            extra = [graph.get_attr(path)]
        fn, args = d.torch_call(n.attrs, [values[i] for i in ins] + extra, inplace=first is not None)
        values[n.id] = graph.call_function(fn, args)
    graph.output(values[g.output])
    home = torch.empty(0).device  # where the layers would have been made: the default device
    module = materialize(fx.GraphModule(root, graph, class_name=class_name(g.name)), home, fills)
    if device is not None or dtype is not None:
        module = module.to(device=device, dtype=dtype)
    return module


def _register(root: nn.Module, path: str, item: nn.Module | nn.Parameter) -> None:
    """Put a layer (or a parameter) at ``path``, making the containers on the way."""
    parent = root
    *heads, last = path.split(".")
    for part in heads:
        child = parent._modules.get(part)
        if child is None:
            child = nn.Module()
            parent.add_module(part, child)
        parent = child
    if isinstance(item, nn.Parameter):
        parent.register_parameter(last, item)
    else:
        parent.add_module(last, item)


def module(g: Graph, *, weights: Any = None, fuse: bool = False, **kwargs: Any) -> nn.Module:
    """``build`` with a foreign ``state_dict`` mapped on by position (``weights``: a state_dict, a ``.pt``
    path or ``torchvision:NAME``) and, with ``fuse``, folded for inference (eval mode, BatchNorm folded
    into the conv before it, identities dropped)."""
    m: nn.Module = build(g, **kwargs)
    if weights is not None:
        from archspec.backends.weights import load_weights

        load_weights(m, weights)
    if fuse:
        from archspec.backends.fuse import fuse as fuse_module

        m = fuse_module(m)
    return m


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` picks CUDA when available."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def copy_by_position(module: nn.Module, state_dict: dict[str, Any], *, assign: bool = False) -> dict[str, str]:
    """Load a foreign ``state_dict`` by position: same order, same shapes; names may differ.
    ``assign``: take the tensors themselves rather than copying into the module's (a module made on
    the meta device, e.g. under ``torch.device("meta")``, then needs no memory or initialisation of its own).

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
    module.load_state_dict({k_ours: v for (k_ours, _), (_, v) in pairs}, strict=not skip, assign=assign)
    return {k_ours: k_theirs for (k_ours, _), (k_theirs, _) in pairs}


def _no_counters(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if not k.endswith("num_batches_tracked")}
