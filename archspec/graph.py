"""The layer graph: the fully expanded network every backend reads.

Primitive ops only, every size an int, every output shape known, nodes in data-flow order (a
residual's main path before its shortcut), each node knowing its scope in the hierarchy
network › stage › block › … › layer and the span of spec text it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archspec.ir import Span
from archspec.layerops import OpDef, get
from archspec.layerops.base import _REGISTRY as OPS  # the registry's table: a property read per node


@dataclass(slots=True)
class Node:
    """One primitive op. ``out`` excludes the batch dimension: (C, H, W) or (F,)."""

    id: int
    name: str  # hierarchical path, also the torch submodule path: "stage1.0.conv1"
    op: str
    inputs: tuple[int, ...]  # node ids; -1 is the network input
    out: tuple[int, ...]
    attrs: Any  # the op's typed attributes (``archspec.layerops``)
    scope: int  # innermost scope id
    span: Span | None = None
    params: int = 0
    macs: int = 0
    # Nodes with the same ``twin`` number have equal ops, attributes and input shapes, so every count
    # of theirs is equal: the analysis counts one of them (-1: not known, count it).
    twin: int = -1

    @property
    def defn(self) -> OpDef:
        """The op's definition in the registry."""
        return OPS[self.op]

    @property
    def kind(self) -> str:
        return get(self.op).kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.name,
            "op": self.op,
            "inputs": list(self.inputs),
            "out": list(self.out),
            "attrs": self.attrs._asdict(),
            "scope": self.scope,
            "params": self.params,
            "macs": self.macs,
            "span": [self.span.line, self.span.col] if self.span else None,
        }


@dataclass(slots=True)
class Scope:
    """A level of the hierarchy: the network, a stage, a block call, or a combinator inside one.

    ``kind`` is network | stage | block | residual | shortcut | concat | sum | select | attention | cascade |
    branch | scale | repeat | dense.
    ``info`` holds the resolved arguments (every width, stride and repeat count as an int).
    """

    id: int
    kind: str
    name: str  # path of the scope ("stage1.0"); "" for the network
    label: str  # what it is: the block's name, "residual", "stem", ...
    parent: int | None
    span: Span | None = None
    info: dict[str, Any] = field(default_factory=dict)
    children: list[int] = field(default_factory=list)  # child scope ids, in order

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "path": self.name,
            "label": self.label,
            "parent": self.parent,
            "info": dict(self.info),
            "children": list(self.children),
            "span": [self.span.line, self.span.col] if self.span else None,
        }


@dataclass(slots=True)
class Graph:
    """Nodes in data-flow order plus the scope tree (scope 0 is the network)."""

    name: str
    input: tuple[int, int, int]
    nodes: list[Node]
    scopes: list[Scope]
    output: int  # id of the node whose value is the network output

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.nodes[self.output].out if self.nodes else self.input

    def stage_of(self, node: Node) -> Scope:
        """The top-level section (stem, stageN, head) a node belongs to."""
        s = self.scopes[node.scope]
        while s.parent is not None and s.kind != "stage":
            s = self.scopes[s.parent]
        return s

    def block_of(self, node: Node) -> Scope | None:
        """The outermost block call containing the node, if any."""
        found = None
        s: Scope | None = self.scopes[node.scope]
        while s is not None and s.kind != "stage":
            if s.kind == "block":
                found = s
            s = self.scopes[s.parent] if s.parent is not None else None
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "input": list(self.input),
            "output": self.output,
            "nodes": [n.to_dict() for n in self.nodes],
            "scopes": [s.to_dict() for s in self.scopes],
        }
