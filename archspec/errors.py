"""Located errors: ``file:line:col: message``, the source line, a caret, and a hint."""

from __future__ import annotations

from collections.abc import Iterable

from archspec.ir import Span


class SpecError(Exception):
    """A problem with a spec, located in its source text.

    ``str(err)`` is the full report: ``file:line:col: error: message``, the offending line with
    carets under the culprit, and a hint where one helps. ``exit_code`` is what the command line
    exits with: 2, bad input.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        *,
        hint: str | None = None,
        file: str | None = None,
        source: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint
        self.file = file
        self.source = source

    def locate(self, file: str, source: str | None) -> SpecError:
        """Attach the file name and text if not already known (errors raised deep inside)."""
        if self.file is None:
            self.file = file
        if self.source is None:
            self.source = source
        return self

    @property
    def line(self) -> int:
        return self.span.line if self.span else 1

    @property
    def col(self) -> int:
        return self.span.col if self.span else 1

    def __str__(self) -> str:
        return self.format()

    def format(self) -> str:
        file = self.file or "<spec>"
        out = [f"{file}:{self.line}:{self.col}: error: {self.message}"]
        text = self._source_line()
        if text is not None:
            width = 1
            if self.span and self.span.end_line == self.span.line and self.span.end_col > self.span.col:
                width = self.span.end_col - self.span.col
            elif self.span and self.span.end_line > self.span.line:
                width = len(text.rstrip()) - self.col + 1  # a multi-line construct: underline its first line
            width = max(1, min(width, len(text) - self.col + 1))
            out.append(f"  {self.line:>4} | {text}")
            out.append("       | " + " " * (self.col - 1) + "^" * width)
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)

    def _source_line(self) -> str | None:
        if self.source is None or self.span is None:
            return None
        lines = self.source.splitlines()
        if not 1 <= self.line <= len(lines):
            return None
        # Control characters would garble the terminal; show them escaped.
        raw = lines[self.line - 1]
        return "".join(ch if ch.isprintable() or ch == "\t" else "?" for ch in raw[:300]).replace("\t", " ")

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "end_line": self.span.end_line if self.span else self.line,
            "end_col": self.span.end_col if self.span else self.col,
            "message": self.message,
            "hint": self.hint,
            "exit_code": self.exit_code,
        }


class BudgetError(SpecError):
    """A valid spec refused by a resource budget (``--max-params``, ``--max-layers``, ...): a check
    that ran and failed, so the command line exits 1."""

    exit_code = 1


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The known word ``word`` most likely meant: first one sharing its start (`basic` for `basic_block`,
    `se` for `se_block`), else the most similar spelling; None when nothing is close."""
    import difflib  # here, not at the top: only an error needs it, and it costs every start ~4 ms

    words = sorted(set(choices))
    head = word.split("_")[0]
    shared = [c for c in words if min(len(c), len(word)) >= 3 and (word.startswith(c) or c.startswith(word))]
    shared += [c for c in words if c == head and c not in shared]
    if shared:
        return max(shared, key=lambda c: difflib.SequenceMatcher(None, word, c).ratio())
    close = difflib.get_close_matches(word, words, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known word, or None when nothing is close."""
    best = closest(word, choices)
    return f"did you mean `{best}`?" if best else None


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as messages write it: ``64×56×56``."""
    return "×".join(str(d) for d in shape)
