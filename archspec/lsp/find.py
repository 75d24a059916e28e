"""What is at a position of the document: the chain of IR nodes around it, outermost first, and the
argument under the cursor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archspec import ir
from archspec.lsp.positions import Lines


@dataclass
class Place:
    """The IR around a position: ``chain`` from the top-level item (a section, stage table, block,
    setting, variant, ``let``) in to the innermost statement or row; ``arg``: the argument there."""

    chain: list[Any] = field(default_factory=list)
    arg: ir.Arg | None = None

    @property
    def top(self) -> Any:
        return self.chain[0] if self.chain else None

    @property
    def inner(self) -> Any:
        return self.chain[-1] if self.chain else None

    @property
    def block(self) -> ir.BlockDef | None:
        """The block definition the position is in, if any."""
        return self.top if isinstance(self.top, ir.BlockDef) else None


def inside(span: ir.Span | None, no: int, col: int, lines: Lines) -> bool:
    """Whether (``no``, ``col``) is in ``span``; a span's end touching the next line's indentation
    does not count, and a cursor just past its last character does."""
    if span is None:
        return False
    last = lines.last_line(span)
    if not span.line <= no <= last:
        return False
    if no == span.line and col < span.col:
        return False
    return not (no == span.end_line == last and col > span.end_col)


def _children(node: Any) -> list[Any]:
    if isinstance(node, (ir.Section, ir.BlockDef, ir.Compound, ir.IfBranch)):
        return list(node.body)
    if isinstance(node, ir.Stages):
        return list(node.rows)
    if isinstance(node, ir.If):
        return list(node.branches)
    return []


def _args(node: Any) -> list[ir.Arg]:
    return list(getattr(node, "args", None) or [])


def locate(spec: ir.Spec, lines: Lines, no: int, col: int) -> Place:
    """The IR at line ``no``, column ``col`` (1-based)."""
    place = Place()
    tops: list[Any] = [*spec.parts, *spec.blocks, *spec.settings, *spec.variants, *spec.lets]
    level: list[Any] = tops
    while True:
        hit = next((n for n in level if inside(n.span, no, col, lines)), None)
        if hit is None:
            break
        if not isinstance(hit, ir.IfBranch):
            place.chain.append(hit)
        level = _children(hit)
    for node in reversed(place.chain):
        arg = next((a for a in _args(node) if inside(a.span, no, col, lines)), None)
        if arg is not None:
            place.arg = arg
            break
        if isinstance(node, ir.BlockDef):
            break
    return place


def statements(body: list[Any]) -> list[Any]:
    """Every statement in a body, nested ones included, in text order."""
    out: list[Any] = []
    for st in body:
        out.append(st)
        if isinstance(st, ir.If):
            for br in st.branches:
                out.extend(statements(br.body))
        elif isinstance(st, ir.Compound):
            out.extend(statements(st.body))
    return out
