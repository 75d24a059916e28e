"""What every counting convention shares: the per-op view of a layer node and the rule type.

A convention turns one node of the layer graph into *items*: ``(operator, count)`` pairs named
the way the tool names them (fvcore's ``batch_norm``, ptflops's ``F.relu`` patch), each charged to
the node whose torch layer runs the op. Counts are per sample (batch 1); every tool here scales
linearly with the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from math import prod
from typing import Any

from archspec.graph import Node

Shape = tuple[int, ...]
Items = list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Op:
    """One node as the rules see it: op name, attrs, input shapes and output shape (no batch)."""

    op: str
    attrs: dict[str, Any]
    ins: tuple[Shape, ...]
    out: Shape

    @property
    def n_in(self) -> int:
        """Elements of the first input."""
        return prod(self.ins[0]) if self.ins else 0

    @property
    def n_out(self) -> int:
        """Elements of the output."""
        return prod(self.out)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of a conv or linear layer, bias excluded."""
        a = self.attrs
        if self.op == "conv":
            return self.n_out * (a["in_c"] // a["g"]) * a["k"] * a["k"]
        if self.op == "linear":
            return a["in_f"] * a["out_f"]
        return 0

    @property
    def act(self) -> str:
        return self.attrs.get("kind", "") if self.op == "act" else ""

    @property
    def adaptive(self) -> bool:
        """A pool that torch runs as ``AdaptiveAvgPool2d`` / ``AdaptiveMaxPool2d``."""
        return self.op in ("maxpool", "avgpool") and bool(self.attrs.get("global") or self.attrs.get("adaptive"))

    @property
    def has_bias(self) -> bool:
        return self.op in ("conv", "linear") and bool(self.attrs.get("bias"))

    @staticmethod
    def of(node: Node, shapes: dict[int, Shape]) -> Op:
        return Op(node.op, node.attrs, tuple(shapes[i] for i in node.inputs), node.out)


@dataclass(frozen=True)
class Convention:
    """One tool's way of counting, with what it counts stated in words.

    ``unit`` is ``MAC`` (one per multiply-accumulate) or ``FLOP`` (a MAC counted as two).
    ``counts`` says, per kind of op (bias, norm, act, pool, merge), what the tool adds.
    ``reads`` is the call that gives the tool's number, for the docs and the CLI.
    """

    name: str
    title: str
    unit: str
    rules: Callable[[Op], Items]
    counts: dict[str, str] = field(default_factory=dict)
    reads: str = ""
    note: str = ""

    def items(self, op: Op) -> Items:
        """The nonzero ``(operator, count)`` items of one op."""
        return [(k, v) for k, v in self.rules(op) if v]
