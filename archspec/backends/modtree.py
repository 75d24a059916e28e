"""The module tree of a layer graph: where layers are registered, and what each part computes.

Layers are registered at their hierarchical paths (``stage1.0.conv1``); every path prefix that holds
layers is a container, as in the torch backend. Each container is a *unit*: the nodes under it
read one value from outside and give one value back (a block, a branch, a shortcut, a stage), so
a backend can write it as one ``nn.Module`` with a ``forward(x)``. A unit whose items each consume
the previous one's output is a *chain* (an ``nn.Sequential``). No torch import here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archspec.graph import Graph, Node


@dataclass
class Unit:
    """A path prefix holding layers, with its single input and output value."""

    path: str
    name: str  # last path segment ("conv1", "0", "" for the network)
    inp: int
    out: int
    items: list[Any] = field(default_factory=list)  # Node | Unit, in data-flow order
    chain: bool = False


def units(g: Graph) -> Unit:
    """The unit tree: containers from layer paths, items in data-flow order."""
    # Layers, and parameters held by function ops (layer scale's γ), are registered at their paths; the
    # other nodes are wiring in forward(): +, *, cat.
    modules = [n for n in g.nodes if registers(n)]
    containers = {""}
    for n in modules:
        parts = n.name.split(".")
        containers.update(".".join(parts[:i]) for i in range(1, len(parts)))

    def owner(name: str) -> str:
        parts = name.split(".")
        for i in range(len(parts) - 1, 0, -1):
            if ".".join(parts[:i]) in containers:
                return ".".join(parts[:i])
        return ""

    def upward(sid: int) -> list[int]:
        out = [sid]
        while g.scopes[out[-1]].parent is not None:
            out.append(g.scopes[out[-1]].parent)  # type: ignore[arg-type]
        return out

    # The scopes each container's layers sit in: a function op named under a container whose scope of
    # that name is another one (two residuals' shortcuts both named `stem.shortcut`) is its parent's.
    anchors: dict[str, set[int]] = {c: set() for c in containers}
    for n in modules:
        for sid in upward(n.scope):
            if g.scopes[sid].name in anchors:
                anchors[g.scopes[sid].name].add(sid)

    def owner_of(n: Node) -> str:
        c = owner(n.name)
        while c and not registers(n):
            named = [sid for sid in upward(n.scope) if g.scopes[sid].name == c]
            if not named or any(sid in anchors[c] for sid in named):
                break
            c = owner(c)
        return c

    members: dict[str, list[Node]] = {c: [] for c in containers}
    for n in g.nodes:
        c = owner_of(n)
        while True:
            members[c].append(n)
            if not c:
                break
            c = owner(c)
    users: dict[int, set[int]] = {}
    for n in g.nodes:
        for i in n.inputs:
            users.setdefault(i, set()).add(n.id)
    users.setdefault(g.output, set()).add(-2)  # the network output is a use from outside

    units: dict[str, Unit] = {}
    for c in containers:
        ids = {n.id for n in members[c]}
        ins = {i for n in members[c] for i in n.inputs if i not in ids}
        outs = {n.id for n in members[c] if users.get(n.id, set()) - ids}
        if c and (len(ins) != 1 or len(outs) != 1):
            raise NotImplementedError(f"`{c}` is not a single-input, single-output part of the network")
        units[c] = Unit(c, c.rsplit(".", 1)[-1], ins.pop() if c else -1, outs.pop() if c else g.output)
    kids: dict[str, list[Unit]] = {c: [] for c in containers}
    for c in containers:
        if c:
            kids[owner(c)].append(units[c])
    for c, u in units.items():
        first = {k.path: min(n.id for n in members[k.path]) for k in kids[c]}
        direct: list[Any] = [n for n in members[c] if owner_of(n) == c]
        u.items = sorted(direct + kids[c], key=lambda it: it.id if isinstance(it, Node) else first[it.path])
        prev, chain = u.inp, True
        for it in u.items:
            if isinstance(it, Node) and (not it.defn.module or it.inputs != (prev,)):
                chain = False
            elif isinstance(it, Unit) and it.inp != prev:
                chain = False
            prev = it.id if isinstance(it, Node) else it.out
        u.chain = chain and prev == u.out and bool(c)
    return units[""]


def registers(n: Node) -> bool:
    """A layer, or a parameter a function op holds (layer scale's γ): registered at the node's path."""
    return n.defn.module or n.defn.parameter(n.attrs) is not None


def registered(u: Unit) -> list[Node | Unit]:
    """A unit's layers, held parameters and sub-units in the order they are registered (the order of the
    first layer under each, as the state_dict lists them)."""
    def first(it: Node | Unit) -> int:
        if isinstance(it, Node):
            return it.id
        return min(first(k) for k in it.items if not isinstance(k, Node) or registers(k))

    return sorted((k for k in u.items if not isinstance(k, Node) or registers(k)), key=first)
