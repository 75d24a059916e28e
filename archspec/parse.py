"""Text → spec IR: the Lark grammar (grammar.lark), an indentation post-lexer, and located syntax errors.

The parse tree becomes typed nodes in ``archspec.transform``.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lark import PostLex

from archspec import cache, ir
from archspec.errors import SpecError, did_you_mean
from archspec.transform import SETTINGS, TOP_LEVEL_WORDS, ToIR, assemble, tok_span

MAX_SOURCE_BYTES = 2_000_000
MAX_NESTING = 64
# Size limits that keep parsing bounded in time and stack: the LALR parser costs tens of
# microseconds a token, and every operator in an expression is one more level of the IR tree
# (Python's stack and pydantic's serialiser both stop near a few hundred levels).
MAX_TOKENS = 100_000
MAX_LINE_TOKENS = 1_000
MAX_OPERATORS = 100  # per statement line
MAX_DIGITS = 100  # Python refuses to convert integers of more than 4300 digits
_DIGIT_RUNS = re.compile(r"\d+")
_OPERATORS = frozenset({"ADD_OP", "MUL_OP", "POW_OP", "COMP_OP", "NOT", "AND", "OR", "IF", "ELSE"})
_NUMERIC = frozenset({"INT", "NUMBER", "SHORT", "SHAPE", "VNAME"})

_TERMINAL_WORDS = {
    "NAME": "a name",
    "INT": "a whole number",
    "NUMBER": "a number",
    "SHORT": "a shorthand like `k3`",
    "SHAPE": "a shape like `3x224x224`",
    "STRING": 'a "string"',
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the indented block",
    "COLON": "`:`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "EQUAL": "`=`",
    "COMMA": "`,`",
    "$END": "the end of the file",
}


class _Indenter(PostLex):
    """Turns leading whitespace into INDENT/DEDENT tokens, reporting bad indentation in place."""

    always_accept = ("_NL",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        levels = [0]
        depth = 0  # parentheses: newlines inside them are not statement ends
        last: Token | None = None
        count = line_count = operators = 0
        for tok in stream:
            last = tok
            count += 1 + (tok.count("\n") if tok.type == "_NL" else 0)  # comment lines cost time too
            if count > MAX_TOKENS:
                raise SpecError(f"spec is too long: more than {MAX_TOKENS:,} tokens", tok_span(tok))
            if tok.type == "_NL":
                if depth > 0:
                    continue
                line_count = operators = 0
                yield tok
                indent_str = tok.rsplit("\n", 1)[1]
                if "\t" in indent_str:
                    raise SpecError(
                        "tab in indentation",
                        tok_span(tok, tok.end_line, 1, len(indent_str) + 1),
                        hint="indent with spaces",
                    )
                indent = len(indent_str)
                if indent > levels[-1]:
                    if len(levels) > MAX_NESTING:
                        raise SpecError("blocks nested too deeply", tok_span(tok, tok.end_line, 1, indent + 1))
                    levels.append(indent)
                    yield Token.new_borrow_pos("_INDENT", indent_str, tok)
                else:
                    open_levels = " or ".join(map(str, sorted(set(levels))))
                    while indent < levels[-1]:
                        levels.pop()
                        yield Token.new_borrow_pos("_DEDENT", indent_str, tok)
                    if indent != levels[-1]:
                        raise SpecError(
                            f"indentation of {indent} space{'s' if indent != 1 else ''} matches no enclosing block",
                            tok_span(tok, tok.end_line, 1, indent + 1),
                            hint=f"line it up with a level above: {open_levels} spaces",
                        )
                continue
            line_count += 1
            if line_count > MAX_LINE_TOKENS:
                raise SpecError(f"line is too long: more than {MAX_LINE_TOKENS:,} tokens", tok_span(tok))
            if tok.type in _OPERATORS:
                operators += 1
                if operators > MAX_OPERATORS:
                    raise SpecError(f"expression too long: more than {MAX_OPERATORS} operators", tok_span(tok),
                                    hint="split it with `let`")
            elif tok.type in _NUMERIC:
                _check_number(tok)
            if tok.type in ("LPAR",):
                depth += 1
                if depth > MAX_NESTING:
                    raise SpecError("parentheses nested too deeply", tok_span(tok))
            elif tok.type in ("RPAR",):
                depth = max(0, depth - 1)
            yield tok
        while len(levels) > 1:
            levels.pop()
            yield Token.new_borrow_pos("_DEDENT", "", last) if last else Token("_DEDENT", "")


def _check_number(tok: Token) -> None:
    """A literal must convert: at most MAX_DIGITS digits in a row, and a float must stay finite."""
    if len(tok) > MAX_DIGITS and max(map(len, _DIGIT_RUNS.findall(tok))) > MAX_DIGITS:
        raise SpecError(f"number with more than {MAX_DIGITS} digits", tok_span(tok))
    if tok.type == "NUMBER" and not math.isfinite(float(tok)):
        raise SpecError(f"number `{tok}` is too large", tok_span(tok), hint="sizes are far below 1e15")


@functools.cache
def _lark() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    # The LALR tables kept in the user's cache (Lark checks the grammar's hash on reading): a
    # command that parses one spec then starts in a few milliseconds instead of ~100.
    tables = cache.file_for(cache.key("grammar", grammar))
    return Lark(grammar, parser="lalr", postlex=_Indenter(), propagate_positions=True, maybe_placeholders=False,
                cache=tables or False)


_LOCK = threading.Lock()  # the post-lexer and LALR parser instance are not re-entrant


def parse(text: str, file: str = "<spec>") -> ir.Spec:
    """Parse spec text into the IR. Raises SpecError (located) on any problem."""
    if len(text) > _MEMO_CHARS:
        return _parse_located(text, file)
    spec = _MEMO.get(text)
    if spec is None:
        spec = _parse_located(text, file)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)), None)
        _MEMO[text] = spec
    return spec if spec.file == file else spec.model_copy(update={"file": file})


# The IR is frozen, so a parse can be shared, whatever name the text was read under: a zoo lookup
# reads a spec file to find its models, and loading the model then parses the same text again (a
# tenth of a small command's time). Keyed by the text alone; the file name is the one field set after.
_MEMO_CHARS = 200_000
_MEMO_SIZE = 32
_MEMO: dict[str, ir.Spec] = {}


def _parse_located(text: str, file: str) -> ir.Spec:
    try:
        return _parse(text, file)
    except SpecError as err:
        raise err.locate(file, text) from None
    except RecursionError:
        # A fallback: the limits in the post-lexer keep real inputs far from the stack's end.
        raise SpecError("spec nested too deeply to parse", ir.Span(line=1, col=1, end_line=1, end_col=2),
                        file=file, source=text) from None


def _parse(text: str, file: str) -> ir.Spec:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise SpecError(f"spec is larger than {MAX_SOURCE_BYTES // 1_000_000} MB", ir.Span(line=1, col=1, end_line=1, end_col=2))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SpecError("spec contains a NUL byte (is this a binary file?)", ir.Span(line=line, col=1, end_line=line, end_col=2))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # A lone surrogate: no file can hold it, and no JSON output could print it.
        line, col = text.count("\n", 0, exc.start) + 1, exc.start - text.rfind("\n", 0, exc.start)
        raise SpecError(f"spec contains an unpaired surrogate {text[exc.start]!r}, which is not text",
                        ir.Span(line=line, col=col, end_line=line, end_col=col + 1)) from None
    src = text if text.endswith("\n") else text + "\n"
    with _LOCK:
        try:
            tree = _lark().parse(src)
        except UnexpectedInput as exc:
            raise _syntax_error(exc, src) from None
    items = ToIR().transform(tree)  # a SpecError or RecursionError raised here reaches parse()
    return assemble(items, file).model_copy(update={"comments": comments(src)})


def comments(text: str) -> list[ir.Comment]:
    """Every ``# comment`` in the text, located by line. The grammar folds comments into its newline
    token; a ``#`` outside a one-line string starts a comment, so a scan of the lines finds them all."""
    out: list[ir.Comment] = []
    for no, line in enumerate(text.split("\n"), 1):
        if "#" not in line:
            continue
        i, in_string = 0, False
        for i, ch in enumerate(line):  # noqa: B007 - the index of the `#` is used below
            if ch == '"':
                in_string = not in_string
            elif ch == "#" and not in_string:
                break
        else:
            continue
        out.append(ir.Comment(text=line[i + 1 :].rstrip(), trailing=bool(line[:i].strip()),
                              span=ir.Span(line=no, col=i + 1, end_line=no, end_col=len(line.rstrip()) + 1)))
    return out


def _syntax_error(exc: UnexpectedInput, src: str) -> SpecError:
    line, col = max(1, exc.line if exc.line != -1 else 1), max(1, exc.column if exc.column != -1 else 1)
    lines = src.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    span = ir.Span(line=line, col=col, end_line=line, end_col=col + 1)
    first = text.split()[0].split(":")[0] if text.split() else ""
    at_top = text[:1] not in (" ", "\t", "")
    if isinstance(exc, UnexpectedToken):
        wrong = _indentation_error(exc.token, lines)
        if wrong is not None:
            return wrong
    if isinstance(exc, UnexpectedCharacters):
        ch = src[exc.pos_in_stream] if exc.pos_in_stream is not None and exc.pos_in_stream < len(src) else "?"
        shown = ch if ch.isprintable() else repr(ch)
        return SpecError(f"unexpected character `{shown}`", span, hint=_expected(exc.allowed))
    if isinstance(exc, UnexpectedEOF):
        return SpecError("unexpected end of file", span, hint=_expected(exc.expected))
    assert isinstance(exc, UnexpectedToken)
    tok = exc.token
    if tok.end_column and tok.line == line:
        span = ir.Span(line=line, col=col, end_line=line, end_col=max(col + 1, tok.end_column))
    if first and at_top and first not in TOP_LEVEL_WORDS + SETTINGS and first.isidentifier():
        hint = did_you_mean(first, TOP_LEVEL_WORDS + SETTINGS)
        if hint:
            start = ir.Span(line=line, col=1, end_line=line, end_col=1 + len(first))
            return SpecError(f"unknown word `{first}` at the top level", start, hint=hint)
    shown = str(tok).strip() or _TERMINAL_WORDS.get(tok.type, tok.type)
    if tok.type == "_NL":
        shown = "end of line"
    return SpecError(f"unexpected `{shown}`", span, hint=_expected(exc.expected))


def code(text: str) -> str:
    """A line without its ``# comment`` (a ``#`` inside a string is text) and trailing blanks."""
    in_string = False
    for i, ch in enumerate(text):
        if ch == '"':
            in_string = not in_string
        elif ch == "#" and not in_string:
            return text[:i].rstrip()
    return text.rstrip()


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _indentation_error(tok: Token, lines: list[str]) -> SpecError | None:
    """A line indented where it must not be, or not indented under a `:` line, said at that line."""
    if tok.type == "$END":
        line = len(lines) + 1
    elif tok.type in ("_INDENT", "_DEDENT"):
        line = tok.end_line or 0  # they borrow the newline's position, which starts on the line before
    else:
        line = tok.line or 0
    above = next((i for i in range(min(line, len(lines) + 1) - 1, 0, -1) if code(lines[i - 1]).strip()), None)
    if not line or above is None or (tok.type == "_INDENT" and line > len(lines)):
        return None
    header = code(lines[above - 1])
    width = _indent(header)
    if tok.type == "_INDENT":
        indent = _indent(lines[line - 1])
        return SpecError(f"unexpected indentation: {indent} spaces where the line above has {width}",
                         ir.Span(line=line, col=1, end_line=line, end_col=indent + 1),
                         hint=f"line it up with the line above ({width} spaces); only the body under a line ending "
                              "in `:` is indented deeper")
    if not header.endswith(":"):
        return None
    name = header.strip()
    if line > len(lines):
        return SpecError(f"`{name}` has no body", ir.Span(line=above, col=width + 1, end_line=above, end_col=len(header) + 1),
                         hint=f"indent its statements below it ({width + 2} spaces)")
    text = lines[line - 1]
    if _indent(text) > width or not text.strip():
        return None
    col, word = _indent(text) + 1, text.split()[0]
    return SpecError(f"`{word}` is not indented under `{name}` (line {above}), which needs an indented body",
                     ir.Span(line=line, col=col, end_line=line, end_col=col + len(word)),
                     hint=f"indent the body of `{name}` deeper than it: {width + 2} spaces, not {_indent(text)}")


def _expected(names: Any) -> str | None:
    words = sorted({_TERMINAL_WORDS.get(n, _literal(n)) for n in (names or ())} - {None})
    if not words:
        return None
    if len(words) > 6:
        words = words[:6] + ["…"]
    return "expected " + ", ".join(words)


def _literal(name: str) -> str | None:
    pattern = _lark().get_terminal(name).pattern if name in {t.name for t in _lark().terminals} else None
    if pattern is not None and pattern.type == "str":
        return f"`{pattern.value}`"
    return name.lower()
