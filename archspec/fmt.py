"""``archspec fmt``: a spec printed back canonically from its IR, comments kept.

Canonical: two-space indentation, one spelling per construct, expressions with the fewest
parentheses (plus parentheses around conditions inside an argument list, and no spaces around
operators in space-separated arguments: ``conv c*4 k1``), a blank line around every multi-line
top-level item and at most one blank line where the author left some. Alignment is computed, as
gofmt's: the columns of stage tables and variant lists are padded to their widest cell (a stage
table's block rows, op rows and ``for`` rows each among their own kind), and the trailing comments
of neighbouring lines share one column, two spaces past the longest (a line without one, a blank
line or a full-line comment ends the run), so the zoo's hand-aligned tables are canonical text.
What stays the author's choice: the order of items, shorthand or long arguments (``k3`` /
``kernel=3``), a body written on its header's line, several statements on one line (``norm; act``).
Comments come back at their lines: a full-line comment before the statement after it, a trailing
comment after its line's statement. ``fmt(fmt(x)) == fmt(x)``.
"""

from __future__ import annotations

import bisect
import decimal
import re
from dataclasses import dataclass
from typing import Any

from archspec import ir

INDENT = "  "
# Lowest to highest binding; a child printed below its slot's level gets parentheses.
_PREC = {"cond": 1, "or": 2, "and": 3, "not": 4, "compare": 5, "sum": 6, "product": 7, "unary": 8, "power": 9, "atom": 10}
_SUM, _PRODUCT = {"+", "-"}, {"*", "/", "//", "%"}
_COMPARE = {"==", "!=", "<", "<=", ">", ">="}


def _level(e: Any) -> int:
    k = e.kind
    if k == "binop":
        op = e.op
        return _PREC["or" if op == "or" else "and" if op == "and" else "compare" if op in _COMPARE else
                     "sum" if op in _SUM else "product" if op in _PRODUCT else "power"]
    if k == "unary":
        return _PREC["not" if e.op == "not" else "unary"]
    if k == "cond":
        return _PREC["cond"]
    if k == "num" and e.value < 0:
        return _PREC["unary"]
    return _PREC["atom"]


def expr(e: Any, compact: bool = False) -> str:
    """An expression; ``compact``: no spaces around arithmetic (inside space-separated arguments)."""
    k = e.kind
    if k == "num":
        return float_text(e.value) if isinstance(e.value, float) else str(e.value)
    if k == "str":
        return f'"{e.value}"'
    if k == "name":
        return e.id
    if k == "attr":
        return f"{e.obj}.{e.attr}"
    if k == "func":
        return f"{e.fn}({', '.join(expr(a) for a in e.args)})"
    if k == "list":
        return f"[{', '.join(expr(a) for a in e.items)}]"
    if k == "comp":
        return f"[{expr(e.expr)} for {', '.join(e.names)} in {expr(e.iter)}]"
    if k == "index":
        return f"{_sub(e.obj, _PREC['atom'], compact)}[{expr(e.index)}]"
    if k == "unary":
        if e.op == "not":
            return "not " + _sub(e.operand, _PREC["not"], compact)
        return e.op + _sub(e.operand, _PREC["unary"], compact)
    if k == "cond":
        return f"{_sub(e.body, 2, compact)} if {_sub(e.test, 2, compact)} else {_sub(e.orelse, 1, compact)}"
    op, level = e.op, _level(e)
    if op in _COMPARE:
        left, right = _sub(e.left, _PREC["sum"], compact), _sub(e.right, _PREC["sum"], compact)
    elif op == "**":
        left, right = _sub(e.left, _PREC["atom"], compact), _sub(e.right, _PREC["unary"], compact)
    else:  # left-associative
        left, right = _sub(e.left, level, compact), _sub(e.right, level + 1, compact)
    tight = compact and (op in _SUM or op in _PRODUCT or op == "**")
    return f"{left}{op}{right}" if tight else f"{left} {op} {right}"


def float_text(v: float) -> str:
    """Positional notation where it is short (``0.00001``, not ``1e-05``), and always a float."""
    text = repr(v)
    if "e" in text:
        plain = format(decimal.Decimal(text), "f")
        text = plain if len(plain) <= 16 else text
    return text if any(ch in text for ch in ".eEn") else text + ".0"


def _sub(e: Any, need: int, compact: bool) -> str:
    if _level(e) >= need:
        return expr(e, compact)
    return f"({expr(e)})"


def arg(a: ir.Arg, spaced: bool = False) -> str:
    """One argument. Space-separated lists (``spaced`` False) print arithmetic tight and put
    anything looser than a sum in parentheses; a positional argument cannot start with a sign."""
    if a.short:
        if a.value.kind == "list":  # `k1x7`
            return f"{a.key}{'x'.join(expr(v) for v in a.value.items)}"
        return f"{a.key}{expr(a.value)}"
    if spaced:
        value = expr(a.value) if a.key is not None else _sub(a.value, _PREC["sum"], False)
    else:
        value = _sub(a.value, _PREC["sum"], True)
        if a.key is None and value[:1] in "+-":
            value = f"({expr(a.value)})"
    return value if a.key is None else f"{a.key}={value}"


def args(items: list[ir.Arg]) -> str:
    return " ".join(arg(a) for a in items)


@dataclass
class Line:
    """One output line: its text, the source line it starts at, and how blank lines treat it."""

    indent: int
    text: str
    src: int | None
    group: int = 0  # the top-level item it belongs to
    big: bool = False  # its top-level item spans several lines
    opens: bool = False  # ends with ":" and a body follows
    comment: str = ""


class _Printer:
    def __init__(self, source: str | None) -> None:
        self.lines: list[Line] = []
        self.group = 0
        self.big = False
        self.source = source.split("\n") if source is not None else None

    def emit(self, indent: int, text: str, span: ir.Span | None, opens: bool = False) -> None:
        self.lines.append(Line(indent, text, span.line if span else None, self.group, self.big, opens))

    # ---- statements -------------------------------------------------------------------------

    def body(self, stmts: list[Any], indent: int) -> None:
        i = 0
        while i < len(stmts):
            st = stmts[i]
            if st.kind in ("call", "let"):
                same = [st]
                while (i + len(same) < len(stmts) and stmts[i + len(same)].kind in ("call", "let") and st.span is not None
                       and stmts[i + len(same)].span is not None and stmts[i + len(same)].span.line == st.span.line):
                    same.append(stmts[i + len(same)])
                self.emit(indent, "; ".join(_simple(s) for s in same), st.span)
                i += len(same)
                continue
            if st.kind == "compound":
                head = st.name + (f" {args(st.args)}" if st.args else "")
                self.suite(head, st.body, indent, st.span)
            else:
                for n, br in enumerate(st.branches):
                    word = "else" if br.test is None else "if" if n == 0 else "elif"
                    head = word if br.test is None else f"{word} {expr(br.test)}"
                    self.suite(head, br.body, indent, br.span)
            i += 1

    def suite(self, head: str, stmts: list[Any], indent: int, span: ir.Span | None) -> None:
        """``head:`` with its body: on the same line when it was written so, else indented below."""
        inline = (span is not None and stmts and stmts[0].span is not None and stmts[0].span.line == span.line
                  and all(s.kind in ("call", "let") for s in stmts))
        if inline:
            self.emit(indent, f"{head}: " + "; ".join(_simple(s) for s in stmts), span)
            return
        self.emit(indent, f"{head}:", span, opens=True)
        self.body(stmts, indent + 1)

    # ---- top level ----------------------------------------------------------------------------

    def spec(self, spec: ir.Spec) -> None:
        items: list[tuple[int, int, Any]] = []  # (source line, canonical rank, item)
        if spec.name_span is not None or spec.parts:  # else a file of blocks only, as the prelude
            header = spec.name + (f' "{spec.description}"' if spec.description else "")
            items.append((_line(spec.name_span, 0), 0, ("network", header, spec.name_span)))
            items.append((_line(spec.input_span, 0), 1, ("input", "x".join(map(str, spec.input)), spec.input_span)))
        items += [(_line(s.span, 0), 2, s) for s in spec.settings]
        items += [(_line(let.span, 0), 3, let) for let in spec.lets]
        if spec.variants:
            items.append((self._variants_line(spec.variants), 4, spec.variants))
        items += [(_line(b.span, 0), 5, b) for b in spec.blocks]
        items += [(_line(p.span, 0), 6, p) for p in spec.parts]
        for _, _, item in sorted(items, key=lambda t: (t[0], t[1])):
            self.group += 1
            self.big = not isinstance(item, (tuple, ir.Setting, ir.Let))
            self.item(item)

    def _variants_line(self, variants: list[ir.Variant]) -> int:
        """The `variants:` line carries no span: the line above the first variant with that word."""
        first = _line(variants[0].span, 1)
        if self.source is not None:
            for no in range(first - 1, 0, -1):
                if re.match(r"variants\s*:", self.source[no - 1]):
                    return no
        return first - 1

    def item(self, item: Any) -> None:
        if isinstance(item, tuple):
            self.emit(0, f"{item[0]} {item[1]}", item[2])
        elif isinstance(item, ir.Setting):
            self.emit(0, f"{item.name}: {args(item.args)}", item.span)
        elif isinstance(item, ir.Let):
            self.emit(0, _simple(item), item.span)
        elif isinstance(item, list):
            self.lines.append(Line(0, "variants:", self._variants_line(item), self.group, True, True))
            self.table([[(":", f"{v.name}:"), *_cells(v.args)] for v in item], [v.span for v in item])
        elif isinstance(item, ir.BlockDef):
            self.suite(_wrap(f"block {item.name}(", [_param(p) for p in item.params], ")"), item.body, 0, item.span)
        elif isinstance(item, ir.Stages):
            call = item.block + (f"({', '.join(arg(a, spaced=True) for a in item.args)})" if item.args else "")
            self.emit(0, f"stages {call}:", item.span, opens=True)
            self.table([_row_cells(r) for r in item.rows], [r.span for r in item.rows], [_row_kind(r) for r in item.rows])
        else:
            head = item.name if item.name in ("stem", "head") else f"stage {item.name}"
            self.suite(head + (f" {args(item.args)}" if item.args else ""), item.body, 0, item.span)

    def table(self, rows: list[list[tuple[str, str]]], spans: list[ir.Span | None], kinds: list[str] | None = None) -> None:
        """Rows of (column, cell) as a table, each row aligned with the rows of its kind (a stage
        table's block rows, its op rows and its generated rows are three tables in one)."""
        kinds = kinds or [""] * len(rows)
        text: list[str] = [""] * len(rows)
        for kind in dict.fromkeys(kinds):
            at = [i for i, k in enumerate(kinds) if k == kind]
            for i, line in zip(at, _aligned([rows[i] for i in at]), strict=True):
                text[i] = line
        for line, span in zip(text, spans, strict=True):
            self.emit(1, line, span)

    # ---- comments and blank lines ---------------------------------------------------------------

    def render(self, comments: list[ir.Comment]) -> str:
        """The lines with the comments put back: trailing ones after the last line that starts at or
        before theirs, full-line ones before the first line that starts after theirs."""
        starts = sorted((ln.src, i) for i, ln in enumerate(self.lines) if ln.src is not None)
        keys = [s for s, _ in starts]
        full: list[tuple[int, str]] = []
        for c in sorted((c for c in comments if c.span is not None), key=lambda c: c.span.line):  # type: ignore[union-attr]
            line = c.span.line  # type: ignore[union-attr]
            at = bisect.bisect_right(keys, line) - 1
            if c.trailing and at >= 0:
                owner = self.lines[starts[at][1]]
                owner.comment += (" #" if owner.comment else "#") + c.text
            else:
                full.append((line, "#" + c.text))
        out: list[Line] = []
        j = 0
        for ln in self.lines:
            while j < len(full) and ln.src is not None and full[j][0] < ln.src:
                out.append(Line(ln.indent, full[j][1], full[j][0], ln.group, ln.big))
                j += 1
            out.append(ln)
        out += [Line(0, text, line, self.group + 1, True) for line, text in full[j:]]
        return self._join(out)

    def _join(self, out: list[Line]) -> str:
        """Blank lines between top-level items and where the source had some; trailing comments of
        consecutive lines aligned to one column."""
        blank = {no for no, text in enumerate(self.source or (), 1) if not text.strip()}
        rows: list[Line | None] = []  # None: a blank line
        for ln in out:
            prev = rows[-1] if rows else None
            if prev is not None and not prev.opens:
                boundary = ln.group != prev.group and ln.indent == 0 and (ln.big or prev.big)
                gap = prev.src is not None and ln.src is not None and any(b in blank for b in range(prev.src + 1, ln.src))
                if boundary or gap:
                    rows.append(None)
            rows.append(ln)
        code = [INDENT * r.indent + r.text if r is not None else "" for r in rows]
        text, i = [], 0
        while i < len(rows):
            j = i
            while j < len(rows) and rows[j] is not None and rows[j].comment:  # type: ignore[union-attr]
                j += 1
            if j == i:
                text.append(code[i])
                i += 1
                continue
            column = max(len(code[k].rsplit("\n", 1)[-1]) for k in range(i, j)) + 2
            for k in range(i, j):
                last = code[k].rsplit("\n", 1)[-1]
                text.append(code[k] + " " * (column - len(last)) + rows[k].comment)  # type: ignore[union-attr]
            i = j
        return "\n".join(text) + "\n"


def _aligned(rows: list[list[tuple[str, str]]]) -> list[str]:
    """Rows of (column, cell) as aligned lines: a column per argument key in the order the rows agree
    on (a row may skip one), each padded to its widest cell; by position where rows disagree."""
    order: list[str] = []
    for r in rows:
        at = 0
        for key, _ in r:
            if key not in order:
                order.insert(at, key)
            at = order.index(key) + 1
    if not all([order.index(k) for k, _ in r] == sorted(order.index(k) for k, _ in r) for r in rows):
        rows = [[(str(i), cell) for i, (_, cell) in enumerate(r)] for r in rows]
        order = [str(i) for i in range(max(map(len, rows), default=0))]
    widths = {k: max((len(cell) for r in rows for key, cell in r if key == k), default=0) for k in order}
    return [" ".join(dict(r).get(k, "").ljust(widths[k]) for k in order).rstrip() for r in rows]


def _row_kind(row: ir.Row) -> str:
    """A stage-table row is a block row, an op row (`maxpool k3 s2`) or a generated row (`for …:`)."""
    from archspec.ops import OPS

    if row.each is not None:
        return "for"
    first = row.args[0] if row.args else None
    if first is not None and first.key is None and first.value.kind == "name" and first.value.id in OPS:
        return f"op {first.value.id}"
    return "block"


def _row_cells(row: ir.Row) -> list[tuple[str, str]]:
    """A stage-table row's cells; a generated row's `for NAMES in LIST:` is its first cell."""
    cells = _cells(row.args)
    if row.each is None:
        return cells
    return [("for", f"for {', '.join(row.names)} in {expr(row.each)}:"), *cells]


def _cells(items: list[ir.Arg]) -> list[tuple[str, str]]:
    """(column, text) per argument: a keyed one by its key, a positional one by its position."""
    out, pos = [], 0
    for a in items:
        key = a.key if a.key is not None else f"#{pos}"
        pos += a.key is None
        out.append((key, arg(a)))
    return out


def _line(span: ir.Span | None, default: int) -> int:
    return span.line if span is not None else default


def _simple(st: Any) -> str:
    if st.kind == "let":
        return f"let {st.name} = {expr(st.value)}"
    return st.name + (f" {args(st.args)}" if st.args else "")


def _wrap(head: str, items: list[str], tail: str, width: int = 100) -> str:
    """``head`` + items joined by commas + ``tail``, continued under the first item past ``width``."""
    lines, current = [], head
    for i, text in enumerate(items):
        piece = text + ("," if i < len(items) - 1 else tail)
        if current != head and not current.endswith("(") and len(current) + 1 + len(piece) > width:
            lines.append(current)
            current = " " * len(head) + piece
        else:
            current += ("" if current == head else " ") + piece
    if not items:
        current += tail
    return "\n".join([*lines, current])


def _param(p: ir.Param) -> str:
    kind = ": width" if p.width and p.name != "c" else ""
    if p.default is None:
        return p.name + kind
    return f"{p.name}{kind} = {expr(p.default)}" if kind else f"{p.name}={expr(p.default)}"


def format_spec(spec: ir.Spec, source: str | None = None) -> str:
    """The canonical text of a spec IR; ``source`` (the text it was parsed from) keeps blank lines."""
    p = _Printer(source)
    p.spec(spec)
    return p.render(spec.comments)


def fmt(text: str, file: str = "<spec>") -> str:
    """Format spec text (or a spec IR saved as JSON): parse, then print canonically."""
    from archspec.network import read_ir
    from archspec.parse import parse

    if text.lstrip().startswith("{"):
        return format_spec(read_ir(text, file))
    return format_spec(parse(text, file), text)


_LAYOUT = ("span", "name_span", "input_span", "block_span", "comments", "file")


def same_spec(a: ir.Spec, b: ir.Spec) -> bool:
    """Whether two IRs say the same thing: equal but for spans, comments and the file name."""
    def strip(d: Any) -> Any:
        if isinstance(d, dict):
            return {k: strip(v) for k, v in d.items() if k not in _LAYOUT}
        if isinstance(d, list):
            return [strip(x) for x in d]
        return d

    return bool(strip(a.model_dump()) == strip(b.model_dump()))
