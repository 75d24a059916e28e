"""Text → spec IR: the Lark grammar, an indentation post-lexer, and a Transformer to typed nodes."""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lark import PostLex

from archspec import cache, ir
from archspec.errors import SpecError, did_you_mean

TOP_LEVEL_WORDS = ("network", "input", "block", "stages", "stage", "stem", "head", "variants", "let")
SETTINGS = ("defaults", "round", "compound", "scale")
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
                raise SpecError(f"spec is too long: more than {MAX_TOKENS:,} tokens", _tok_span(tok))
            if tok.type == "_NL":
                if depth > 0:
                    continue
                line_count = operators = 0
                yield tok
                indent_str = tok.rsplit("\n", 1)[1]
                if "\t" in indent_str:
                    raise SpecError(
                        "tab in indentation",
                        _tok_span(tok, tok.end_line, 1, len(indent_str) + 1),
                        hint="indent with spaces",
                    )
                indent = len(indent_str)
                if indent > levels[-1]:
                    if len(levels) > MAX_NESTING:
                        raise SpecError("blocks nested too deeply", _tok_span(tok, tok.end_line, 1, indent + 1))
                    levels.append(indent)
                    yield Token.new_borrow_pos("_INDENT", indent_str, tok)
                else:
                    while indent < levels[-1]:
                        levels.pop()
                        yield Token.new_borrow_pos("_DEDENT", indent_str, tok)
                    if indent != levels[-1]:
                        raise SpecError(
                            f"indentation of {indent} spaces matches no enclosing block",
                            _tok_span(tok, tok.end_line, 1, indent + 1),
                            hint=f"indent to {levels[-1]} spaces, or to a level used above",
                        )
                continue
            line_count += 1
            if line_count > MAX_LINE_TOKENS:
                raise SpecError(f"line is too long: more than {MAX_LINE_TOKENS:,} tokens", _tok_span(tok))
            if tok.type in _OPERATORS:
                operators += 1
                if operators > MAX_OPERATORS:
                    raise SpecError(f"expression too long: more than {MAX_OPERATORS} operators", _tok_span(tok),
                                    hint="split it with `let`")
            elif tok.type in _NUMERIC:
                _check_number(tok)
            if tok.type in ("LPAR",):
                depth += 1
                if depth > MAX_NESTING:
                    raise SpecError("parentheses nested too deeply", _tok_span(tok))
            elif tok.type in ("RPAR",):
                depth = max(0, depth - 1)
            yield tok
        while len(levels) > 1:
            levels.pop()
            yield Token.new_borrow_pos("_DEDENT", "", last) if last else Token("_DEDENT", "")


def _check_number(tok: Token) -> None:
    """A literal must convert: at most MAX_DIGITS digits in a row, and a float must stay finite."""
    if len(tok) > MAX_DIGITS and max(map(len, _DIGIT_RUNS.findall(tok))) > MAX_DIGITS:
        raise SpecError(f"number with more than {MAX_DIGITS} digits", _tok_span(tok))
    if tok.type == "NUMBER" and not math.isfinite(float(tok)):
        raise SpecError(f"number `{tok}` is too large", _tok_span(tok), hint="sizes are far below 1e15")


def _tok_span(tok: Token, line: int | None = None, col: int | None = None, end_col: int | None = None) -> ir.Span:
    line = line or tok.line or 1
    col = col or tok.column or 1
    end = end_col or (tok.end_column if tok.end_line == tok.line and tok.end_column else col + 1)
    return ir.Span.model_construct(line=line, col=col, end_line=line, end_col=max(end, col + 1))


def _meta_span(meta: Any) -> ir.Span | None:
    if getattr(meta, "empty", True):
        return None
    return ir.Span.model_construct(line=meta.line, col=meta.column, end_line=meta.end_line, end_col=meta.end_column)


@functools.cache
def _lark() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    # The LALR tables kept in the user's cache (Lark checks the grammar's hash on reading): a
    # command that parses one spec then starts in a few milliseconds instead of ~100.
    tables = cache.file_for(cache.key("grammar", grammar))
    return Lark(grammar, parser="lalr", postlex=_Indenter(), propagate_positions=True, maybe_placeholders=False,
                cache=tables or False)


_LOCK = threading.Lock()  # the post-lexer and LALR parser instance are not re-entrant


def _num(text: str) -> int | float:
    if text.isdigit():
        return int(text)
    return float(text)


class _ToIR:
    """Builds typed IR nodes from the parse tree, keeping spans: each rule's method gets the rule's
    ``meta`` (its position) and its children, already transformed, as Lark's ``v_args(meta=True)``.

    Nodes are made with ``model_construct`` (no validation): the grammar already fixes every
    field's type, and validating would first build ~20 pydantic validators, which costs a fresh
    process more time (~50 ms) than parsing a spec does. A saved IR read back from JSON is validated.
    """

    def transform(self, tree: Tree) -> Any:
        # A plain walk rather than lark.Transformer, whose v_args wrapper is rebuilt (functools.wraps)
        # at every node: a fifth of the time to parse the prelude. Exceptions pass through unwrapped.
        children = [self.transform(c) if isinstance(c, Tree) else c for c in tree.children]
        method = getattr(self, tree.data, None)
        return Tree(tree.data, children, tree.meta) if method is None else method(tree.meta, children)

    # expressions
    def number(self, meta: Any, c: list[Token]) -> ir.Num:
        return ir.Num.model_construct(value=_num(str(c[0])), span=_meta_span(meta))

    def string(self, meta: Any, c: list[Token]) -> ir.Str:
        return ir.Str.model_construct(value=str(c[0])[1:-1], span=_meta_span(meta))

    def name(self, meta: Any, c: list[Token]) -> ir.Name:
        return ir.Name.model_construct(id=str(c[0]), span=_meta_span(meta))

    def attr(self, meta: Any, c: list[Token]) -> ir.Attr:
        return ir.Attr.model_construct(obj=str(c[0]), attr=str(c[1]), span=_meta_span(meta))

    def func(self, meta: Any, c: list[Any]) -> ir.Func:
        return ir.Func.model_construct(fn=str(c[0]), args=list(c[1:]), span=_meta_span(meta))

    def binary(self, meta: Any, c: list[Any]) -> Any:
        left = c[0]
        for i in range(1, len(c), 2):
            left = ir.BinOp.model_construct(op=str(c[i]), left=left, right=c[i + 1], span=_join(left, c[i + 1]))
        return left

    def compare(self, meta: Any, c: list[Any]) -> Any:
        if len(c) == 1:
            return c[0]
        return ir.BinOp.model_construct(op=str(c[1]), left=c[0], right=c[2], span=_meta_span(meta))

    def pow_(self, meta: Any, c: list[Any]) -> Any:
        if len(c) == 1:
            return c[0]
        return ir.BinOp.model_construct(op="**", left=c[0], right=c[2], span=_meta_span(meta))

    def or_(self, meta: Any, c: list[Any]) -> Any:
        return self._fold("or", c)

    def and_(self, meta: Any, c: list[Any]) -> Any:
        return self._fold("and", c)

    def _fold(self, op: str, c: list[Any]) -> Any:
        left = c[0]
        for right in c[1:]:
            left = ir.BinOp.model_construct(op=op, left=left, right=right, span=_join(left, right))
        return left

    def not_(self, meta: Any, c: list[Any]) -> ir.Unary:
        return ir.Unary.model_construct(op="not", operand=c[0], span=_meta_span(meta))

    def neg(self, meta: Any, c: list[Any]) -> ir.Unary:
        return ir.Unary.model_construct(op=str(c[0]), operand=c[1], span=_meta_span(meta))

    def cond(self, meta: Any, c: list[Any]) -> ir.Cond:
        return ir.Cond.model_construct(body=c[0], test=c[1], orelse=c[2], span=_meta_span(meta))

    # arguments
    def short(self, meta: Any, c: list[Token]) -> ir.Arg:
        tok = c[0]
        span = _meta_span(meta)
        value = ir.Num.model_construct(value=_num(str(tok)[1:]), span=span)
        return ir.Arg.model_construct(key=str(tok)[0], value=value, short=True, span=span)

    def kwarg(self, meta: Any, c: list[Any]) -> ir.Arg:
        return ir.Arg.model_construct(key=str(c[0]), value=c[1], span=_meta_span(meta))

    def posarg(self, meta: Any, c: list[Any]) -> ir.Arg:
        return ir.Arg.model_construct(value=c[0], span=_meta_span(meta))

    def arglist(self, meta: Any, c: list[Any]) -> list[ir.Arg]:
        return list(c)

    # statements
    def call(self, meta: Any, c: list[Any]) -> ir.Call:
        return ir.Call.model_construct(name=str(c[0]), args=list(c[1:]), span=_meta_span(meta))

    def let_stmt(self, meta: Any, c: list[Any]) -> ir.Let:
        _check_name(c[0], "variable")
        return ir.Let.model_construct(name=str(c[0]), value=c[1], span=_meta_span(meta))

    def simple_line(self, meta: Any, c: list[Any]) -> list[Any]:
        return list(c)

    def suite(self, meta: Any, c: list[Any]) -> list[Any]:
        out: list[Any] = []
        for item in c:
            out.extend(item if isinstance(item, list) else [item])
        return out

    def compound(self, meta: Any, c: list[Any]) -> ir.Compound:
        return ir.Compound.model_construct(name=str(c[0]), args=list(c[1:-1]), body=c[-1], span=_meta_span(meta))

    def if_stmt(self, meta: Any, c: list[Any]) -> ir.If:
        branches = [ir.IfBranch.model_construct(test=c[0], body=c[1], span=_meta_span(meta))]
        branches += c[2:]
        return ir.If.model_construct(branches=branches, span=_meta_span(meta))

    def elif_clause(self, meta: Any, c: list[Any]) -> ir.IfBranch:
        return ir.IfBranch.model_construct(test=c[0], body=c[1], span=_meta_span(meta))

    def else_clause(self, meta: Any, c: list[Any]) -> ir.IfBranch:
        return ir.IfBranch.model_construct(test=None, body=c[0], span=_meta_span(meta))

    # top level
    def network(self, meta: Any, c: list[Token]) -> tuple[str, Any]:
        desc = str(c[1])[1:-1] if len(c) > 1 else ""
        return ("network", (str(c[0]), desc, _tok_span(c[0])))

    def input_decl(self, meta: Any, c: list[Token]) -> tuple[str, Any]:
        dims = tuple(int(x) for x in str(c[0]).split("x"))
        span = _tok_span(c[0])
        if len(dims) != 3:
            raise SpecError(f"input must be CxHxW (3 numbers), got {len(dims)}", span, hint="e.g. `input 3x224x224`")
        return ("input", (dims, span))

    def setting(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        name = str(c[0])
        if name not in SETTINGS:
            raise SpecError(
                f"unknown setting `{name}`",
                _tok_span(c[0]),
                hint=did_you_mean(name, SETTINGS + TOP_LEVEL_WORDS) or f"settings are {', '.join(SETTINGS)}",
            )
        return ("setting", ir.Setting.model_construct(name=name, args=list(c[1:]), span=_meta_span(meta)))

    def variant(self, meta: Any, c: list[Any]) -> ir.Variant:
        return ir.Variant.model_construct(name=str(c[0]), args=list(c[1:]), span=_meta_span(meta))

    def variants(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("variants", list(c))

    def param(self, meta: Any, c: list[Any]) -> ir.Param:
        _check_name(c[0], "parameter")
        width = str(c[0]) == "c"  # `c` is a block's output width by convention
        rest = c[1:]
        if rest and isinstance(rest[0], Token):
            if str(rest[0]) != "width":
                raise SpecError(f"unknown parameter kind `{rest[0]}`", _tok_span(rest[0]),
                                hint="the one kind is `width`: `exp: width = 16` (a literal value then takes α)")
            width, rest = True, rest[1:]
        return ir.Param.model_construct(name=str(c[0]), default=rest[0] if rest else None, width=width, span=_meta_span(meta))

    def block_def(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        params = [p for p in c[1:] if isinstance(p, ir.Param)]
        body: list[Any] = []
        for item in c[1 + len(params) :]:
            body.extend(item if isinstance(item, list) else [item])
        return ("block", ir.BlockDef.model_construct(name=str(c[0]), params=params, body=body, span=_meta_span(meta)))

    def row(self, meta: Any, c: list[Any]) -> ir.Row:
        return ir.Row.model_construct(args=list(c), span=_meta_span(meta))

    def stages(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        args = c[1] if len(c) > 1 and isinstance(c[1], list) else []
        rows = [r for r in c[1:] if isinstance(r, ir.Row)]
        return ("part", ir.Stages.model_construct(block=str(c[0]), args=args, rows=rows, span=_meta_span(meta),
                                                  block_span=_tok_span(c[0])))

    def section(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        name, args, body = str(c[0]), list(c[1:-1]), c[-1]
        span = _meta_span(meta)
        if name == "stage":
            if len(args) != 1 or args[0].key is not None or not isinstance(args[0].value, ir.Name):
                raise SpecError("a stage section is written `stage NAME:`", span, hint="e.g. `stage dense1:`")
            return ("part", ir.Section.model_construct(name=args[0].value.id, body=body, span=span))
        if name not in ("stem", "head"):
            raise SpecError(
                f"unknown section `{name}`",
                _tok_span(c[0]),
                hint=did_you_mean(name, TOP_LEVEL_WORDS + SETTINGS) or "sections are stem, head and `stage NAME`",
            )
        if args:
            raise SpecError(f"`{name}:` takes no arguments", args[0].span)
        return ("part", ir.Section.model_construct(name=name, body=body, span=span))

    def start(self, meta: Any, c: list[Any]) -> list[Any]:
        return list(c)


def _check_name(tok: Token, what: str) -> None:
    """A name shaped like a shorthand (`c1`, `n12`) would read as `c=1` where it is used: refuse it."""
    text = str(tok)
    if len(text) > 1 and text[0] in _SHORT_LETTERS and text[1:].isdigit():
        raise SpecError(f"`{text}` cannot be a {what} name: it reads as the shorthand `{text[0]}={text[1:]}`",
                        _tok_span(tok), hint=f"name it e.g. `{text[0]}_{text[1:]}`")


_SHORT_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


def _join(a: Any, b: Any) -> ir.Span | None:
    if a.span is None or b.span is None:
        return a.span or b.span
    return ir.Span.model_construct(line=a.span.line, col=a.span.col, end_line=b.span.end_line, end_col=b.span.end_col)


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
    items = _ToIR().transform(tree)  # a SpecError or RecursionError raised here reaches parse()
    return _assemble(items, file).model_copy(update={"comments": comments(src)})


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
        out.append(ir.Comment.model_construct(text=line[i + 1 :].rstrip(), trailing=bool(line[:i].strip()),
                              span=ir.Span.model_construct(line=no, col=i + 1, end_line=no, end_col=len(line.rstrip()) + 1)))
    return out


def _assemble(items: list[tuple[str, Any]], file: str) -> ir.Spec:
    fields: dict[str, Any] = {"settings": [], "lets": [], "variants": [], "blocks": [], "parts": []}
    seen_blocks: dict[str, ir.BlockDef] = {}
    seen_settings: dict[str, ir.Setting] = {}
    for item in items:
        if isinstance(item, ir.Let):
            fields["lets"].append(item)
            continue
        kind, value = item
        if kind == "network":
            if "name" in fields:
                raise SpecError("`network` declared twice", value[2])
            fields["name"], fields["description"], fields["name_span"] = value
        elif kind == "input":
            if "input" in fields:
                raise SpecError("`input` declared twice", value[1])
            fields["input"], fields["input_span"] = value
        elif kind == "setting":
            if value.name in seen_settings:
                raise SpecError(f"`{value.name}:` given twice", value.span)
            seen_settings[value.name] = value
            fields["settings"].append(value)
        elif kind == "variants":
            if fields["variants"]:
                raise SpecError("`variants:` given twice", value[0].span)
            names: set[str] = set()
            for v in value:
                if v.name in names:
                    raise SpecError(f"variant `{v.name}` defined twice", v.span)
                names.add(v.name)
            fields["variants"] = value
        elif kind == "block":
            if value.name in seen_blocks:
                raise SpecError(f"block `{value.name}` defined twice", value.span)
            seen_blocks[value.name] = value
            fields["blocks"].append(value)
        else:
            fields["parts"].append(value)
    if "name" not in fields:
        if not fields["parts"] and fields["blocks"]:
            fields["name"] = "prelude"  # a file of block definitions only
            fields["input"] = (1, 1, 1)
        else:
            raise SpecError("the spec has no `network NAME` line", ir.Span(line=1, col=1, end_line=1, end_col=2),
                            hint="start the file with e.g. `network mynet`")
    if "input" not in fields:
        raise SpecError("the spec has no `input CxHxW` line", fields.get("name_span"), hint="e.g. `input 3x224x224`")
    return ir.Spec.model_construct(file=file, **fields)


def _syntax_error(exc: UnexpectedInput, src: str) -> SpecError:
    line, col = max(1, exc.line if exc.line != -1 else 1), max(1, exc.column if exc.column != -1 else 1)
    lines = src.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    span = ir.Span(line=line, col=col, end_line=line, end_col=col + 1)
    first = text.split()[0].split(":")[0] if text.split() else ""
    at_top = text[:1] not in (" ", "\t", "")
    if isinstance(exc, UnexpectedToken) and exc.token.type in ("_INDENT",):
        return SpecError("unexpected indentation", span, hint="indent only the body of a `:` line")
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
