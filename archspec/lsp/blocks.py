"""Blocks as an editor shows them: where each is defined (the document, or the packaged prelude),
its signature, its doc comment and its text."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from archspec import fmt, ir
from archspec.lsp.positions import Lines
from archspec.lsp.snapshot import Snapshot

PRELUDE = Path(fmt.__file__).resolve().parent / "prelude.arch"


@functools.cache
def prelude_lines() -> Lines:
    return Lines(PRELUDE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Block:
    """A block definition and the text it is written in."""

    bdef: ir.BlockDef
    builtin: bool
    lines: Lines

    @property
    def name(self) -> str:
        return self.bdef.name

    @property
    def uri(self) -> str | None:
        """The prelude's file URI for a built-in block; None for the document's own."""
        return PRELUDE.as_uri() if self.builtin else None

    @property
    def where(self) -> str:
        line = self.bdef.span.line if self.bdef.span else 1
        return f"prelude.arch:{line} (built in)" if self.builtin else f"line {line}"

    def name_span(self) -> ir.Span:
        """The block's name on its ``block`` line."""
        span = self.bdef.span or ir.Span(line=1, col=1, end_line=1, end_col=1)
        text = self.lines.line(span.line)
        start = text.find(self.name, span.col - 1 + len("block")) + 1 or span.col
        return ir.Span(line=span.line, col=start, end_line=span.line, end_col=start + len(self.name))

    def doc(self) -> str:
        """The comment lines right above the ``block`` line, without their ``#``."""
        if self.bdef.span is None:
            return ""
        out: list[str] = []
        no = self.bdef.span.line - 1
        while no >= 1 and self.lines.line(no).lstrip().startswith("#"):
            out.append(self.lines.line(no).lstrip()[1:].strip())
            no -= 1
        return " ".join(reversed(out)).strip()

    def source(self) -> str:
        """The definition as written."""
        if self.bdef.span is None:
            return f"block {signature(self.bdef)}:"
        body = self.bdef.body[-1].span if self.bdef.body and self.bdef.body[-1].span else self.bdef.span
        last = self.lines.last_line(body)
        return "\n".join(self.lines.line(n) for n in range(self.bdef.span.line, last + 1)).rstrip()


def signature(bdef: ir.BlockDef) -> str:
    """``bottleneck(c, s=1, expansion=4, …)``: the name and the parameters as written."""
    return f"{bdef.name}({', '.join(param(p) for p in bdef.params)})"


def param(p: ir.Param) -> str:
    """A parameter as written: ``c``, ``s=1``, ``exp: width = 16``."""
    kind = ": width" if p.width and p.name != "c" else ""
    if p.default is None:
        return p.name + kind
    return f"{p.name}{kind} = {fmt.expr(p.default)}" if kind else f"{p.name}={fmt.expr(p.default)}"


def find(snap: Snapshot, name: str) -> Block | None:
    """The block ``name`` as the document sees it: its own definition first, else the prelude's."""
    own = snap.user_block(name)
    if own is not None:
        return Block(own, False, Lines(snap.text))
    bdef = snap.blocks.get(name) or _prelude().get(name)
    return Block(bdef, True, prelude_lines()) if bdef is not None else None


def every(snap: Snapshot) -> list[Block]:
    """Every block the document can call: its own, then the built-in ones it does not redefine."""
    own = [Block(b, False, Lines(snap.text)) for b in (snap.spec.blocks if snap.spec else [])]
    names = {b.name for b in own}
    return own + [Block(b, True, prelude_lines()) for n, b in _prelude().items() if n not in names]


def _prelude() -> dict[str, ir.BlockDef]:
    from archspec.network import prelude

    return prelude()
