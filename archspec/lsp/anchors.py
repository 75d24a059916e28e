"""The layer graph laid over the document: which layers each statement, block call and stage-table row
of the text became.

A layer made in a section (``stem:``, ``stage NAME:``, ``head:``) carries the span of its statement;
a layer inside a block carries a span in the block's text (the prelude's, for a built-in block), so
it is placed at the block call that made it (the call's statement, or the stage-table row): the
outermost block call above it. That span is its *anchor*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archspec import ir
from archspec.analysis import Analysis, Totals
from archspec.graph import Graph, Node, Scope
from archspec.lsp.snapshot import Snapshot


@dataclass
class Anchors:
    """Layers and scopes by the span of the text that made them."""

    graph: Graph
    analysis: Analysis
    outer: list[int | None]  # per scope: its outermost enclosing block call (itself included), if any
    nodes: dict[ir.Span, list[Node]] = field(default_factory=dict)  # anchor span → its layers, in order
    calls: dict[ir.Span, list[Scope]] = field(default_factory=dict)  # call or row span → its outermost block scopes
    stages: dict[ir.Span, list[Scope]] = field(default_factory=dict)  # section or row span → its stage scopes
    lines: dict[int, tuple[int, ...]] = field(default_factory=dict)  # line → the output of its last layer
    totals: dict[str, Totals] = field(default_factory=dict)  # stage name → its totals

    def subtree(self, scope: Scope) -> list[Node]:
        """The layers under ``scope``, in data-flow order."""
        inside = {scope.id}
        for s in self.graph.scopes[scope.id + 1:]:
            if s.parent in inside:
                inside.add(s.id)
        return [n for n in self.graph.nodes if n.scope in inside]

    def stage_of(self, scope: Scope) -> Scope:
        """The stage (section or table row) a scope is in."""
        s = scope
        while s.kind != "stage" and s.parent is not None:
            s = self.graph.scopes[s.parent]
        return s

    def input_of(self, nodes: list[Node]) -> tuple[int, ...]:
        """The shape the first of ``nodes`` reads."""
        if not nodes or not nodes[0].inputs:
            return self.graph.input
        i = nodes[0].inputs[0]
        return self.graph.input if i < 0 else self.graph.nodes[i].out


def build(graph: Graph, analysis: Analysis) -> Anchors:
    """Index a (possibly partial) layer graph by the spans of the user's text."""
    scopes = graph.scopes
    outer: list[int | None] = [None] * len(scopes)
    for s in scopes:  # a parent's id is smaller than its children's
        if s.parent is None or s.kind == "stage":
            continue
        above = outer[s.parent]
        outer[s.id] = above if above is not None else (s.id if s.kind == "block" else None)
    a = Anchors(graph, analysis, outer)
    for s in scopes:
        if s.span is None:
            continue
        if s.kind == "stage":
            a.stages.setdefault(s.span, []).append(s)
        elif s.kind == "block" and outer[s.id] == s.id:
            a.calls.setdefault(s.span, []).append(s)
    for n in graph.nodes:
        top = outer[n.scope]
        span = scopes[top].span if top is not None else n.span
        if span is None:
            continue
        a.nodes.setdefault(span, []).append(n)
        a.lines[span.line] = n.out
    a.totals = {t.name: t for t in analysis.stages}
    return a


def of(snap: Snapshot) -> Anchors | None:
    """The snapshot's anchors, built once (None when nothing was lowered)."""
    if snap.graph is None or snap.analysis is None:
        return None
    if "anchors" not in snap.memo:
        snap.memo["anchors"] = build(snap.graph, snap.analysis)
    return snap.memo["anchors"]
