"""Document symbols for outline views: the network, its settings and variants, its sections and stage
tables (each row a stage, named as the analysis names it), and the blocks the document defines."""

from __future__ import annotations

from lsprotocol import types as lsp

from archspec import ir
from archspec.lsp import anchors, blocks
from archspec.lsp.positions import Lines
from archspec.lsp.snapshot import Snapshot
from archspec.lsp.text import arrow, exact

_S = lsp.SymbolKind


def _range(lines: Lines, span: ir.Span) -> lsp.Range:
    """A span's range, ending on the last line it really covers."""
    last = lines.last_line(span)
    end = (span.end_line, span.end_col) if last == span.end_line else (last, len(lines.line(last)) + 1)
    return lsp.Range(start=lines.position(span.line, span.col), end=lines.position(*end))


def _line(lines: Lines, span: ir.Span) -> ir.Span:
    return ir.Span(line=span.line, col=span.col, end_line=span.line, end_col=len(lines.line(span.line)) + 1)


def _symbol(lines: Lines, name: str, kind: lsp.SymbolKind, span: ir.Span, detail: str = "",
            children: list[lsp.DocumentSymbol] | None = None, select: ir.Span | None = None) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(name=name, kind=kind, range=_range(lines, span), detail=detail or None,
                              selection_range=lines.range(select or _line(lines, span)), children=children or None)


def symbols(snap: Snapshot, lines: Lines) -> list[lsp.DocumentSymbol]:
    """The outline of a version that parsed, in text order."""
    spec = snap.spec
    if spec is None:
        return []
    a = anchors.of(snap)
    found: list[tuple[int, lsp.DocumentSymbol]] = []
    if spec.name_span is not None:
        detail = spec.description
        if a is not None and snap.complete:
            t = a.analysis.total
            detail = f"{exact(t.params, t.macs)} {arrow(a.graph.output_shape)}"
        found.append((spec.name_span.line, _symbol(lines, spec.name, _S.Module, _line(lines, spec.name_span), detail,
                                                   select=spec.name_span)))
    for s in spec.settings:
        if s.span is not None:
            found.append((s.span.line, _symbol(lines, f"{s.name}:", _S.Property, s.span)))
    if spec.variants:
        spans = [v.span for v in spec.variants if v.span is not None]
        kids = [_symbol(lines, v.name, _S.EnumMember, v.span) for v in spec.variants if v.span is not None]
        if spans:
            whole = ir.Span(line=spans[0].line - 1, col=1, end_line=spans[-1].end_line, end_col=spans[-1].end_col)
            found.append((whole.line, _symbol(lines, "variants", _S.Enum, whole, children=kids)))
    for part in spec.parts:
        if part.span is not None:
            found.append((part.span.line, _part(lines, part, a)))
    for b in spec.blocks:
        if b.span is not None:
            blk = blocks.Block(b, False, lines)
            found.append((b.span.line, _symbol(lines, b.name, _S.Function, b.span, blocks.signature(b),
                                               select=blk.name_span())))
    return [s for _, s in sorted(found, key=lambda x: x[0])]


def _stage_detail(a: anchors.Anchors | None, span: ir.Span | None) -> tuple[list[str], str]:
    """The stage names a section or row became, and their output and totals."""
    if a is None or span is None:
        return [], ""
    stages = a.stages.get(span, [])
    totals = [a.totals[s.name] for s in stages if s.name in a.totals]
    if not totals:
        return [s.name for s in stages], ""
    params, macs = sum(t.params for t in totals), sum(t.macs for t in totals)
    return [s.name for s in stages], f"{arrow(totals[-1].out)} · {exact(params, macs)}"


def _part(lines: Lines, part: ir.Section | ir.Stages, a: anchors.Anchors | None) -> lsp.DocumentSymbol:
    assert part.span is not None
    if isinstance(part, ir.Section):
        _, detail = _stage_detail(a, part.span)
        name = part.name if part.name in ("stem", "head") else f"stage {part.name}"
        return _symbol(lines, name, _S.Namespace, part.span, detail)
    rows = []
    for i, r in enumerate(part.rows, 1):
        if r.span is None:
            continue
        names, detail = _stage_detail(a, r.span)
        name = (names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}") if names else f"row {i}"
        rows.append(_symbol(lines, name, _S.Struct, r.span, detail))
    return _symbol(lines, f"stages {part.block}", _S.Array, part.span, children=rows)
