"""What a counting convention is: one tool's way of counting, described; its per-op rules live with
the ops (``archspec.layerops``, each op's ``counts``).

A convention turns one node of the layer graph into *items*: ``(operator, count)`` pairs named
the way the tool names them (fvcore's ``batch_norm``, ptflops's ``F.relu`` patch), each charged to
the node whose torch layer runs the op. Counts are per sample (batch 1); every tool here scales
linearly with the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archspec.ir import Span
from archspec.layerops import Items, Op, Shape

__all__ = ["Convention", "Items", "Op", "Shape"]


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
    counts: dict[str, str] = field(default_factory=dict)
    reads: str = ""
    note: str = ""

    def items(self, op: Op, span: Span | None = None) -> Items:
        """The nonzero ``(operator, count)`` items of one op, by the op's rule for this convention."""
        return [(k, v) for k, v in op.defn.count(self.name, op, span) if v]
