"""Inlay hints: each layer line's and block call's output shape (``→ 256×56×56``), each stage's
parameters and MACs at its header, a stage table's and the network's totals.

A document that lowers only part way keeps the hints of what it made before the error (less the
statement and the stage the error is in); one that does not parse at all keeps the last good
version's hints on the lines that did not change.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from lsprotocol import types as lsp

from archspec import ir
from archspec.lsp.anchors import Anchors, of
from archspec.lsp.positions import Lines
from archspec.lsp.snapshot import Snapshot
from archspec.lsp.text import arrow, cost, exact, shape


@dataclass(frozen=True)
class Hint:
    """One line's hint: its text and a tooltip with every digit."""

    line: int  # 1-based
    label: str
    tooltip: str


def compute(snap: Snapshot) -> list[Hint]:
    """The hints of an analysed version, one per line at most, in line order."""
    if snap.graph is None or snap.analysis is None or snap.spec is None:
        return []
    a = of(snap)
    assert a is not None
    lines = Lines(snap.text)
    broken = None if snap.complete or snap.error is None or snap.error.span is None else snap.error.span.line
    shapes: dict[int, tuple[int, tuple[int, ...]]] = {}  # line → (last node id, its output)
    for span, nodes in a.nodes.items():
        if broken is not None and span.line <= broken <= lines.last_line(span):
            continue
        last = nodes[-1]
        if span.line not in shapes or shapes[span.line][0] < last.id:
            shapes[span.line] = (last.id, last.out)
    costs = _stage_costs(snap, a, lines)
    out: list[Hint] = []
    for line in sorted(set(shapes) | set(costs)):
        labels, tips = [], []
        if line in shapes:
            labels.append(arrow(shapes[line][1]))
            tips.append(f"output {shape(shapes[line][1])}")
        if line in costs:
            labels.append(costs[line][0])
            tips.append(costs[line][1])
        out.append(Hint(line, " · ".join(labels), "\n\n".join(tips)))
    return out


def _stage_costs(snap: Snapshot, a: Anchors, lines: Lines) -> dict[int, tuple[str, str]]:
    """Line → (label, tooltip) for stage headers, stage-table headers and the network line."""
    assert snap.spec is not None
    stage_scopes = [s for s in a.graph.scopes if s.kind == "stage"]
    unfinished = None if snap.complete or not stage_scopes else stage_scopes[-1].id
    out: dict[int, tuple[str, str]] = {}
    done: list[tuple[ir.Span, int, int, str]] = []  # (span, params, macs, name) of each finished stage
    for span, scopes in a.stages.items():
        kept = [a.totals[s.name] for s in scopes if s.id != unfinished and s.name in a.totals]
        if not kept:
            continue
        params, macs = sum(t.params for t in kept), sum(t.macs for t in kept)
        done.extend((span, t.params, t.macs, t.name) for t in kept)
        names = ", ".join(t.name for t in kept)
        many = f"{len(kept)} stages · " if len(kept) > 1 else ""
        out[span.line] = (many + cost(params, macs), f"{names}: {exact(params, macs)}")
    if not snap.complete:
        return out
    for part in snap.spec.parts:
        if isinstance(part, ir.Stages) and part.span is not None:
            rows = [d for d in done if part.span.line < d[0].line <= lines.last_line(part.span)]
            if rows:
                params, macs = sum(r[1] for r in rows), sum(r[2] for r in rows)
                out.setdefault(part.span.line, (f"{len(rows)} stages · {cost(params, macs)}",
                                                f"the table's stages ({rows[0][3]}–{rows[-1][3]}): {exact(params, macs)}"))
    name_span = snap.spec.name_span
    if name_span is not None:
        t = a.analysis.total
        out[name_span.line] = (f"{cost(t.params, t.macs)} {arrow(a.graph.output_shape)}",
                               f"{snap.spec.name}: {exact(t.params, t.macs)}, output {shape(a.graph.output_shape)}")
    return out


def carried(good: Snapshot, text: str) -> list[Hint]:
    """The last good version's hints on the lines of ``text`` that are unchanged since, moved to where
    those lines are now."""
    old, new = good.text.split("\n"), text.split("\n")
    moved: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks():
        for i in range(block.size):
            moved[block.a + i + 1] = block.b + i + 1
    return [Hint(moved[h.line], h.label, h.tooltip) for h in compute(good) if h.line in moved]


def inlay_hints(snap: Snapshot, good: Snapshot | None, lines: Lines, first: int, last: int) -> list[lsp.InlayHint]:
    """The LSP hints of lines ``first`` to ``last`` (1-based), at the end of each line's code."""
    hints = compute(snap) if snap.graph is not None or good is None else carried(good, snap.text)
    return [
        lsp.InlayHint(position=lines.position(h.line, lines.code_end(h.line)), label=h.label,
                      kind=lsp.InlayHintKind.Type, padding_left=True, tooltip=h.tooltip)
        for h in hints if first <= h.line <= last
    ]
