"""Diagnostics: a version's located ``SpecError`` (with its hint) at the range the command line
underlines, and hints for blocks the document defines but never calls."""

from __future__ import annotations

from lsprotocol import types as lsp

from archspec import ir
from archspec.errors import BudgetError, SpecError
from archspec.lsp.positions import Lines
from archspec.lsp.snapshot import Snapshot

SOURCE = "archspec"


def error_range(err: SpecError, lines: Lines) -> lsp.Range:
    """Where ``archspec check`` puts its carets: the span on its first line (a construct of several
    lines is underlined to the end of its first); the first line for an error with no place."""
    span = err.span
    if span is None:
        return lsp.Range(start=lines.position(1, 1), end=lines.position(1, len(lines.line(1)) + 1))
    no = min(max(1, span.line), len(lines))
    text = lines.line(no)
    col = span.col if no == span.line else 1
    if span.end_line == span.line and span.end_col > span.col:
        width = span.end_col - span.col
    elif span.end_line > span.line:
        width = len(text.rstrip()) - col + 1
    else:
        width = 1
    width = max(1, min(width, len(text) - col + 1))
    return lsp.Range(start=lines.position(no, col), end=lines.position(no, col + width))


def message(err: SpecError) -> str:
    """The error's message, and its hint on a line of its own."""
    return err.message + (f"\nhint: {err.hint}" if err.hint else "")


def diagnostics(snap: Snapshot, lines: Lines) -> list[lsp.Diagnostic]:
    """Every diagnostic of an analysed version."""
    out: list[lsp.Diagnostic] = []
    err = snap.error
    if err is not None:
        code = "budget" if isinstance(err, BudgetError) else "error"
        out.append(lsp.Diagnostic(range=error_range(err, lines), message=message(err), source=SOURCE,
                                  severity=lsp.DiagnosticSeverity.Error, code=code))
    if snap.spec is not None and snap.complete:
        out.extend(_unused_blocks(snap, lines))
    return out


def _unused_blocks(snap: Snapshot, lines: Lines) -> list[lsp.Diagnostic]:
    """A block the document defines and nothing calls: shown faded, as editors show unused code."""
    assert snap.spec is not None and snap.graph is not None
    used = {s.label for s in snap.graph.scopes if s.kind == "block"}
    out = []
    for b in snap.spec.blocks:
        if b.name in used or b.span is None:
            continue
        start = lines.line(b.span.line).find(b.name, b.span.col - 1) + 1
        span = ir.Span(line=b.span.line, col=start, end_line=b.span.line, end_col=start + len(b.name))
        out.append(lsp.Diagnostic(range=lines.range(span), message=f"block `{b.name}` is never used", source=SOURCE,
                                  severity=lsp.DiagnosticSeverity.Hint, tags=[lsp.DiagnosticTag.Unnecessary],
                                  code="unused-block"))
    return out
