"""Counting conventions: every tool's number for the same network, computed from the layer graph.

fvcore, torch's FlopCounterMode, calflops, torchinfo, ptflops and thop each count a different set
of ops. Each convention here is one small module of per-op rules that reproduce the tool's total
exactly on the module ``Network.to_torch()`` builds (and on torchvision's, where the layers are
the same), charged to the layer whose torch module runs the op. Pure Python: no torch import.

    >>> net = archspec.load("resnet50")
    >>> net.count("ptflops"), net.counts()["fvcore"]
    (4132436968, 4111512576)

The formulas are written out in docs/conventions.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from archspec.conventions.base import Convention, Items, Op, Shape
from archspec.conventions.calflops import CALFLOPS, CALFLOPS_FLOPS
from archspec.conventions.flop_counter import TORCH
from archspec.conventions.fvcore import FVCORE
from archspec.conventions.native import FLOPS, MACS
from archspec.conventions.ptflops import PTFLOPS
from archspec.conventions.thop import THOP
from archspec.conventions.torchinfo import TORCHINFO
from archspec.errors import did_you_mean
from archspec.graph import Graph
from archspec.layerops import CONVENTION_NAMES

CONVENTIONS: dict[str, Convention] = {
    c.name: c for c in (MACS, FLOPS, FVCORE, TORCH, CALFLOPS, CALFLOPS_FLOPS, TORCHINFO, PTFLOPS, THOP)
}
DEFAULT = "macs"
# Every op states a rule for each of these (the op registry's list, in the same order).
assert tuple(CONVENTIONS) == CONVENTION_NAMES, "conventions and the op registry's list disagree"

__all__ = ["CONVENTIONS", "DEFAULT", "Convention", "Counts", "Op", "get", "tally"]


def get(name: str) -> Convention:
    """A convention by name (``-`` and ``_`` alike, any case); ``ValueError`` names the known ones."""
    key = name.strip().lower().replace("-", "_")
    if key in CONVENTIONS:
        return CONVENTIONS[key]
    hint = did_you_mean(key, list(CONVENTIONS)) or ""
    raise ValueError(f"unknown counting convention `{name}` (known: {', '.join(CONVENTIONS)}) {hint}".strip())


@dataclass(frozen=True)
class Counts:
    """Every convention's items for every node of one graph, per sample.

    ``items[i][name]`` is the ``(operator, count)`` list of node ``i`` in convention ``name``.
    """

    graph: Graph
    items: list[dict[str, Items]]

    def total(self, name: str) -> int:
        """The network's total in one convention."""
        key = get(name).name
        return sum(v for node in self.items for _, v in node[key])

    def totals(self) -> dict[str, int]:
        """Every convention's total, in registry order."""
        return {name: self.total(name) for name in CONVENTIONS}

    def layer(self, index: int) -> dict[str, int]:
        """One node's count in every convention."""
        return {name: sum(v for _, v in its) for name, its in self.items[index].items()}

    def by_operator(self, name: str) -> dict[str, int]:
        """The convention's total split by operator, named as the tool names it (fvcore's table)."""
        key = get(name).name
        out: dict[str, int] = defaultdict(int)
        for node in self.items:
            for op, v in node[key]:
                out[op] += v
        return dict(out)

    def by_kind(self, name: str) -> dict[str, int]:
        """The convention's total split by kind of op (conv, linear, norm, act, pool, merge, …)."""
        key = get(name).name
        out: dict[str, int] = defaultdict(int)
        for n, node in zip(self.graph.nodes, self.items, strict=True):
            v = sum(c for _, c in node[key])
            if v:
                out[n.kind] += v
        return dict(out)

    def difference(self, name: str, base: str = DEFAULT) -> dict[str, int]:
        """Where a convention departs from ``base`` (``macs``), per kind of op; zeros left out."""
        ours, theirs = self.by_kind(name), self.by_kind(base)
        kinds = list(dict.fromkeys([*theirs, *ours]))
        return {k: d for k in kinds if (d := ours.get(k, 0) - theirs.get(k, 0))}

    def to_dict(self) -> dict[str, object]:
        """Totals, per-operator tables and the difference from ``macs`` of every convention."""
        return {
            name: {
                "total": self.total(name),
                "unit": c.unit,
                "title": c.title,
                "counts": dict(c.counts),
                "by_operator": self.by_operator(name),
                "difference_from_macs": self.difference(name),
            }
            for name, c in CONVENTIONS.items()
        }


def shapes_of(g: Graph) -> dict[int, Shape]:
    """Output shape of every node, and the network input under id -1."""
    shapes: dict[int, Shape] = {n.id: n.out for n in g.nodes}
    shapes[-1] = g.input
    return shapes


def tally(g: Graph) -> Counts:
    """Count every node of ``g`` in every convention."""
    shapes = shapes_of(g)
    rows: list[dict[str, Items]] = []
    for n in g.nodes:
        op = Op.of(n, shapes)
        rows.append({name: c.items(op, n.span) for name, c in CONVENTIONS.items()})
    return Counts(g, rows)
