"""The torch module tree: the classes of ``backends.classes`` made real, and their instances filled.

Each class is an ``nn.Module`` subclass named after its kind (``Bottleneck``, ``ResNet50``) whose
``forward`` is generated Python, compiled once per distinct source and kept in ``linecache`` (as
``torch.fx`` keeps its generated code), so tracebacks, ``inspect.getsource`` and TorchScript read it.
A forward calls its parts as attributes (``self.conv1(x)``, ``self.shortcut(x)``): assign a new part
and the forward runs it. Instances pickle and deep-copy by their class's source.
"""

from __future__ import annotations

import inspect
import itertools
import linecache
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from archspec.backends import layers
from archspec.backends.classes import Plan, iop
from archspec.backends.inplace import overwritable
from archspec.backends.modtree import Unit, registered
from archspec.backends.naming import class_name, target
from archspec.backends.steps import INPUT, Emit, Step, attr, emit, seg
from archspec.graph import Graph

_CLASSES: dict[tuple[str, str, str], type[Generated]] = {}
_COUNT = itertools.count()
# What generated forwards may name: torch, and archspec's own layers and functions (the generated
# source file copies those in).
_NAMESPACE: dict[str, Any] = {"torch": torch, "nn": nn, "F": F} | {
    k: v for k, v in vars(layers).items() if not k.startswith("_") and (inspect.isfunction(v) or inspect.isclass(v))
    and getattr(v, "__module__", "") == layers.__name__}


class Generated(nn.Module):
    """A class of a compiled network (its ``forward`` generated from the layer graph)."""

    _source: str = ""

    def __init__(self) -> None:
        super().__init__()

    def __reduce_ex__(self, protocol: Any) -> Any:
        cls = type(self)
        return _rebuild, (cls.__name__, cls.__doc__, cls._source, self.__dict__)


def _rebuild(name: str, doc: str, source: str, state: dict[str, Any]) -> Generated:
    cls = klass(name, doc, source)
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    return obj


def forward_source(lines: list[str], returns: str = "torch.Tensor") -> str:
    """A ``forward`` method's source from its body's lines."""
    body = "".join(f"    {line}\n" for line in lines)
    return f"def forward(self, x: torch.Tensor) -> {returns}:\n{body}"


def klass(name: str, doc: str, source: str) -> type[Generated]:
    """The class ``name`` whose forward is ``source``; one class object per distinct source."""
    key = (name, doc, source)
    cls = _CLASSES.get(key)
    if cls is None:
        filename = f"<archspec {name} #{next(_COUNT)}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        namespace = dict(_NAMESPACE)
        exec(compile(source, filename, "exec"), namespace)  # our own generated code, never text from a spec
        cls = type(name, (Generated,), {"forward": namespace["forward"], "__doc__": doc, "__module__": __name__,
                                        "__qualname__": name, "_source": source})
        _CLASSES[key] = cls
    return cls


def assemble(p: Plan, inplace: frozenset[int], fills: dict[str, float]) -> nn.Module:
    """The module tree of a plan, every layer on the meta device (``init.materialize`` allocates them).
    ``inplace``: the activations that overwrite their input; ``fills`` gets each parameter a function op
    holds (layer scale's γ), by path, with its starting value."""
    def make(u: Unit, path: str) -> nn.Module:
        kind = p.kinds.get(u.path)
        mod: nn.Module = nn.Sequential() if kind is None else klass(kind.name, kind.doc, forward_source(kind.forward))()
        for it in registered(u):
            name = seg(it)
            full = f"{path}.{name}" if path else name
            if isinstance(it, Unit):
                mod.add_module(name, make(it, full))
            elif it.defn.module:
                mod.add_module(name, it.defn.torch_module(it.attrs, device="meta", inplace=it.id in inplace))
            else:
                shape, start = it.defn.parameter(it.attrs)  # type: ignore[misc]
                mod.register_parameter(name, nn.Parameter(torch.empty(shape, device="meta")))
                fills[full] = start
        if kind is not None:
            for k, v in kind.instance(u).items():
                setattr(mod, k, v)
        return mod

    return make(p.root, "")


def flat(g: Graph, inplace: frozenset[int], fills: dict[str, float], taps: tuple[int, ...] = ()) -> nn.Module:
    """The network as one class whose forward runs every layer in order, its layers in plain containers at
    their paths: for a graph with a part that is not single-input, single-output (no class of its own can
    compute it). ``taps``: the forward returns these values instead, as a list."""
    ok = overwritable(g, taps)
    shapes = {n.id: n.out for n in g.nodes}
    lines: list[Emit] = []
    places: list[tuple[str, nn.Module | nn.Parameter]] = []
    for n in g.nodes:
        path = target(n.name)
        ref = "self"
        for part in path.split("."):
            ref = attr(ref, part)
        ins = tuple(_value(i) for i in n.inputs)
        if n.defn.module:
            places.append((path, n.defn.torch_module(n.attrs, device="meta", inplace=n.id in inplace)))
            lines.append(Emit(str(n.id), ins, lambda args, ref=ref: f"{ref}({args[0]})"))
            continue
        held = n.defn.parameter(n.attrs)
        if held is not None:
            places.append((path, nn.Parameter(torch.empty(held[0], device="meta"))))
            fills[path] = held[1]
        first = None
        if n.defn.accumulates and len(n.inputs) == 2:
            first = next((k for k, i in enumerate(n.inputs) if i in ok and shapes[i] == n.out), None)
        extra = [ref] if held is not None else []
        e = Emit(str(n.id), ins, lambda args, n=n, extra=extra: n.defn.python(n.attrs, [*args, *extra]), "",
                 iop(Step(path, ins, node=n, first=first), first))
        if first not in (None, 0):
            e.inputs = (ins[first], *(i for j, i in enumerate(ins) if j != first))  # type: ignore[index]
        lines.append(e)
    outs = [_value(t) for t in taps] if taps else [_value(g.output)]
    body = emit(lines, outs, returns_list=bool(taps))
    module = klass(class_name(g.name), f"The `{g.name}` network.",
                   forward_source(body, returns="list[torch.Tensor]" if taps else "torch.Tensor"))()
    for path, item in places:
        _place(module, path, item)
    return module


def _value(i: int) -> str:
    return INPUT if i == -1 else str(i)


def _place(root: nn.Module, path: str, item: nn.Module | nn.Parameter) -> None:
    """Put a layer (or a parameter) at ``path``, making plain containers on the way."""
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
