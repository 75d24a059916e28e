"""Where things are: archspec's 1-based spans (columns in characters) ↔ LSP's 0-based positions
(columns in UTF-16 code units unless the client chose another encoding), the words under the cursor,
and where a line's code ends."""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from archspec import ir
from archspec.parse import code

_WORD = re.compile(r"[A-Za-z_0-9\u0370-\u03ff]")


class Lines:
    """A document's lines, for converting positions and reading words. ``encoding``: what the client
    counts columns in (``utf-16``, LSP's default; ``utf-8``; ``utf-32``, characters)."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.lines = [line.rstrip("\r") for line in text.split("\n")]
        self.encoding = str(encoding)

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, no: int) -> str:
        """Line ``no`` (1-based); "" past the end."""
        return self.lines[no - 1] if 1 <= no <= len(self.lines) else ""

    # ---- columns ----------------------------------------------------------------------------

    def _units(self, text: str) -> int:
        if text.isascii() or self.encoding == "utf-32":
            return len(text)
        if self.encoding == "utf-8":
            return len(text.encode("utf-8", "surrogatepass"))
        return len(text) + sum(ord(ch) > 0xFFFF for ch in text)

    def units(self, no: int, col: int) -> int:
        """The 0-based column, in the client's units, of the 1-based character column ``col`` of line ``no``."""
        return self._units(self.line(no)[: max(0, col - 1)])

    def char_col(self, no: int, units: int) -> int:
        """The 1-based character column of a 0-based column in the client's units on line ``no``."""
        text = self.line(no)
        if text.isascii() or self.encoding == "utf-32":
            return min(units, len(text)) + 1
        seen = 0
        for i, ch in enumerate(text):
            if seen >= units:
                return i + 1
            seen += self._units(ch)
        return len(text) + 1

    def position(self, no: int, col: int) -> lsp.Position:
        """The LSP position of line ``no``, column ``col`` (both 1-based, clamped into the text)."""
        no = min(max(1, no), max(1, len(self.lines)))
        return lsp.Position(line=no - 1, character=self.units(no, col))

    def at(self, pos: lsp.Position) -> tuple[int, int]:
        """The 1-based (line, column) of an LSP position."""
        no = pos.line + 1
        return no, self.char_col(no, pos.character)

    def range(self, span: ir.Span) -> lsp.Range:
        """A span's LSP range."""
        return lsp.Range(start=self.position(span.line, span.col), end=self.position(span.end_line, span.end_col))

    def whole(self) -> lsp.Range:
        """The whole document."""
        last = len(self.lines)
        return lsp.Range(start=lsp.Position(line=0, character=0), end=self.position(last, len(self.line(last)) + 1))

    # ---- words and code ---------------------------------------------------------------------

    def word(self, no: int, col: int) -> tuple[str, int, int]:
        """The word (name, number or shorthand) touching column ``col`` of line ``no``: (word, start, end),
        columns 1-based, end exclusive; ("", col, col) when there is none."""
        text = self.line(no)
        i = col - 1
        if not (0 <= i < len(text) and _WORD.match(text[i])) and i > 0 and i - 1 < len(text) and _WORD.match(text[i - 1]):
            i -= 1  # the cursor just past a word
        if not (0 <= i < len(text) and _WORD.match(text[i])):
            return "", col, col
        start = end = i
        while start > 0 and _WORD.match(text[start - 1]):
            start -= 1
        while end < len(text) and _WORD.match(text[end]):
            end += 1
        return text[start:end], start + 1, end + 1

    def last_line(self, span: ir.Span) -> int:
        """The last line a span really covers: a statement's span runs on to the next line's indentation."""
        end = span.end_line
        if end > span.line and not self.line(end)[: max(0, span.end_col - 1)].strip():
            end -= 1
        return end

    def code_end(self, no: int) -> int:
        """The 1-based column just past the code of line ``no`` (its comment and trailing blanks left out)."""
        return len(code(self.line(no))) + 1



def contains(span: ir.Span | None, no: int, col: int) -> bool:
    """Whether (line ``no``, column ``col``) lies in ``span`` (its end included: a cursor just past a word)."""
    if span is None:
        return False
    if no < span.line or no > span.end_line:
        return False
    if no == span.line and col < span.col:
        return False
    return not (no == span.end_line and col > span.end_col)
