"""Go to definition: a block call (or a stage table's block) → its ``block`` line, in the document or
in the packaged prelude; a name → the ``let`` or block parameter that defines it."""

from __future__ import annotations

from lsprotocol import types as lsp

from archspec import ir
from archspec.lsp import blocks
from archspec.lsp.find import Place, locate, statements
from archspec.lsp.positions import Lines
from archspec.lsp.snapshot import Snapshot


def definition(snap: Snapshot, uri: str, lines: Lines, pos: lsp.Position) -> list[lsp.Location]:
    """Where the word at ``pos`` is defined (empty when it is not a block or a variable)."""
    spec = snap.spec
    no, col = lines.at(pos)
    word, start, _ = lines.word(no, col)
    if spec is None or not word:
        return []
    place = locate(spec, lines, no, col)
    if _names_block(place, word, start):
        b = blocks.find(snap, word)
        if b is None:
            return []
        target = b.uri or uri
        return [lsp.Location(uri=target, range=(lines if not b.builtin else b.lines).range(b.name_span()))]
    span = _variable(spec, place, word)
    return [lsp.Location(uri=uri, range=lines.range(span))] if span is not None else []


def _names_block(place: Place, word: str, start: int) -> bool:
    """Whether the word is in a block's place: a statement's name, a stage table's block, a ``block`` line."""
    inner = place.inner
    if isinstance(inner, (ir.Call, ir.Compound)):
        return inner.span is not None and inner.span.col == start and inner.name == word
    if isinstance(inner, ir.Stages):
        return inner.block == word and inner.block_span is not None and inner.block_span.col == start
    if isinstance(inner, ir.BlockDef):
        return inner.name == word and place.arg is None and not any(
            p.span is not None and p.span.col <= start < p.span.end_col for p in inner.params)
    return False


def _variable(spec: ir.Spec, place: Place, word: str) -> ir.Span | None:
    """The ``let`` or parameter ``word`` names where the cursor is: the enclosing block's or section's first,
    then the spec's."""
    top = place.top
    if isinstance(top, ir.BlockDef):
        for p in top.params:
            if p.name == word and p.span is not None:
                return ir.Span(line=p.span.line, col=p.span.col, end_line=p.span.line, end_col=p.span.col + len(word))
    if isinstance(top, (ir.BlockDef, ir.Section)):
        for st in statements(top.body):
            if isinstance(st, ir.Let) and st.name == word and st.span is not None:
                return _let_name(st)
    for let in spec.lets:
        if let.name == word and let.span is not None:
            return _let_name(let)
    return None


def _let_name(let: ir.Let) -> ir.Span:
    """The name in ``let NAME = …``."""
    assert let.span is not None
    col = let.span.col + len("let ")
    return ir.Span(line=let.span.line, col=col, end_line=let.span.line, end_col=col + len(let.name))
