"""Parse tree → spec IR: a typed node, with its source span, for every rule of the grammar."""

from __future__ import annotations

import re
from typing import Any

from lark import Token, Tree

from archspec import ir
from archspec.errors import SpecError, did_you_mean

TOP_LEVEL_WORDS = ("network", "input", "block", "stages", "stage", "stem", "head", "variants", "let")
SETTINGS = ("defaults", "round", "compound", "scale")

# A name the lexer reads as a one-letter shorthand (`c1`, `k3`, `k1x7`): a block parameter cannot be one.
_SHORTHAND = re.compile(r"[a-z]\d+(x\d+)?")


def tok_span(tok: Token, line: int | None = None, col: int | None = None, end_col: int | None = None) -> ir.Span:
    line = line or tok.line or 1
    col = col or tok.column or 1
    end = end_col or (tok.end_column if tok.end_line == tok.line and tok.end_column else col + 1)
    return ir.Span(line=line, col=col, end_line=line, end_col=max(end, col + 1))


def meta_span(meta: Any) -> ir.Span | None:
    if getattr(meta, "empty", True):
        return None
    return ir.Span(line=meta.line, col=meta.column, end_line=meta.end_line, end_col=meta.end_column)

def _num(text: str) -> int | float:
    if text.isdigit():
        return int(text)
    return float(text)


class ToIR:
    """Builds typed IR nodes from the parse tree, keeping spans: each rule's method gets the rule's
    ``meta`` (its position) and its children, already transformed, as Lark's ``v_args(meta=True)``.

    Nodes are made by their constructors (no validation): the grammar already fixes every
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
        return ir.Num(value=_num(str(c[0])), span=meta_span(meta))

    def string(self, meta: Any, c: list[Token]) -> ir.Str:
        return ir.Str(value=str(c[0])[1:-1], span=meta_span(meta))

    def name(self, meta: Any, c: list[Token]) -> ir.Name:
        return ir.Name(id=str(c[0]), span=meta_span(meta))

    def attr(self, meta: Any, c: list[Token]) -> ir.Attr:
        return ir.Attr(obj=str(c[0]), attr=str(c[1]), span=meta_span(meta))

    def func(self, meta: Any, c: list[Any]) -> ir.Func:
        return ir.Func(fn=str(c[0]), args=list(c[1:]), span=meta_span(meta))

    def binary(self, meta: Any, c: list[Any]) -> Any:
        left = c[0]
        for i in range(1, len(c), 2):
            left = ir.BinOp(op=str(c[i]), left=left, right=c[i + 1], span=_join(left, c[i + 1]))
        return left

    def compare(self, meta: Any, c: list[Any]) -> Any:
        if len(c) == 1:
            return c[0]
        return ir.BinOp(op=str(c[1]), left=c[0], right=c[2], span=meta_span(meta))

    def pow_(self, meta: Any, c: list[Any]) -> Any:
        if len(c) == 1:
            return c[0]
        return ir.BinOp(op="**", left=c[0], right=c[2], span=meta_span(meta))

    def or_(self, meta: Any, c: list[Any]) -> Any:
        return self._fold("or", c)

    def and_(self, meta: Any, c: list[Any]) -> Any:
        return self._fold("and", c)

    def _fold(self, op: str, c: list[Any]) -> Any:
        left = c[0]
        for right in c[1:]:
            left = ir.BinOp(op=op, left=left, right=right, span=_join(left, right))
        return left

    def not_(self, meta: Any, c: list[Any]) -> ir.Unary:
        return ir.Unary(op="not", operand=c[0], span=meta_span(meta))

    def neg(self, meta: Any, c: list[Any]) -> ir.Unary:
        return ir.Unary(op=str(c[0]), operand=c[1], span=meta_span(meta))

    def list_(self, meta: Any, c: list[Any]) -> ir.List:
        return ir.List(items=[x for x in c if x is not None], span=meta_span(meta))

    def comp(self, meta: Any, c: list[Any]) -> ir.Comp:
        return ir.Comp(expr=c[0], names=[str(t) for t in c[1:-1]], iter=c[-1], span=meta_span(meta))

    def index(self, meta: Any, c: list[Any]) -> ir.Index:
        return ir.Index(obj=c[0], index=c[1], span=meta_span(meta))

    def cond(self, meta: Any, c: list[Any]) -> ir.Cond:
        return ir.Cond(body=c[0], test=c[1], orelse=c[2], span=meta_span(meta))

    # arguments
    def short(self, meta: Any, c: list[Token]) -> ir.Arg:
        tok = c[0]
        span = meta_span(meta)
        text = str(tok)[1:]
        if "x" in text:  # `k1x7`: a (height, width) pair
            h, w = text.split("x")
            value: Any = ir.List(items=[ir.Num(value=_num(h), span=span),
                                                        ir.Num(value=_num(w), span=span)], span=span)
        else:
            value = ir.Num(value=_num(text), span=span)
        return ir.Arg(key=str(tok)[0], value=value, short=True, span=span)

    def kwarg(self, meta: Any, c: list[Any]) -> ir.Arg:
        return ir.Arg(key=str(c[0]), value=c[1], span=meta_span(meta))

    def posarg(self, meta: Any, c: list[Any]) -> ir.Arg:
        return ir.Arg(value=c[0], span=meta_span(meta))

    def arglist(self, meta: Any, c: list[Any]) -> list[ir.Arg]:
        return list(c)

    # statements
    def call(self, meta: Any, c: list[Any]) -> ir.Call:
        return ir.Call(name=str(c[0]), args=list(c[1:]), span=meta_span(meta))

    def let_stmt(self, meta: Any, c: list[Any]) -> ir.Let:
        _check_name(c[0], "variable")
        return ir.Let(name=str(c[0]), value=c[1], span=meta_span(meta))

    def simple_line(self, meta: Any, c: list[Any]) -> list[Any]:
        return list(c)

    def suite(self, meta: Any, c: list[Any]) -> list[Any]:
        out: list[Any] = []
        for item in c:
            out.extend(item if isinstance(item, list) else [item])
        return out

    def compound(self, meta: Any, c: list[Any]) -> ir.Compound:
        return ir.Compound(name=str(c[0]), args=list(c[1:-1]), body=c[-1], span=meta_span(meta))

    def if_stmt(self, meta: Any, c: list[Any]) -> ir.If:
        branches = [ir.IfBranch(test=c[0], body=c[1], span=meta_span(meta))]
        branches += c[2:]
        return ir.If(branches=branches, span=meta_span(meta))

    def elif_clause(self, meta: Any, c: list[Any]) -> ir.IfBranch:
        return ir.IfBranch(test=c[0], body=c[1], span=meta_span(meta))

    def else_clause(self, meta: Any, c: list[Any]) -> ir.IfBranch:
        return ir.IfBranch(test=None, body=c[0], span=meta_span(meta))

    # top level
    def network(self, meta: Any, c: list[Token]) -> tuple[str, Any]:
        desc = str(c[1])[1:-1] if len(c) > 1 else ""
        return ("network", (str(c[0]), desc, tok_span(c[0])))

    def input_decl(self, meta: Any, c: list[Token]) -> tuple[str, Any]:
        dims = tuple(int(x) for x in str(c[0]).split("x"))
        span = tok_span(c[0])
        if len(dims) != 3:
            raise SpecError(f"input must be CxHxW (3 numbers), got {len(dims)}", span, hint="e.g. `input 3x224x224`")
        return ("input", (dims, span))

    def setting(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        name = str(c[0])
        if name not in SETTINGS:
            raise SpecError(
                f"unknown setting `{name}`",
                tok_span(c[0]),
                hint=did_you_mean(name, SETTINGS + TOP_LEVEL_WORDS) or f"settings are {', '.join(SETTINGS)}",
            )
        return ("setting", ir.Setting(name=name, args=list(c[1:]), span=meta_span(meta)))

    def variant(self, meta: Any, c: list[Any]) -> ir.Variant:
        return ir.Variant(name=str(c[0]), args=list(c[1:]), span=meta_span(meta))

    def variants(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("variants", list(c))

    def param(self, meta: Any, c: list[Any]) -> ir.Param:
        _check_name(c[0], "parameter")
        if _SHORTHAND.fullmatch(str(c[0])):
            name = str(c[0])
            raise SpecError(f"parameter `{name}` reads as the shorthand `{name[0]}={name[1:]}` in a call, so "
                            f"`{name}=…` could never be written", tok_span(c[0]),
                            hint=f"name it so it does not start with one letter and a digit: `{name[0]}_{name[1:]}`, "
                                 f"`{name[0]}{name[0]}{name[1:]}`")
        width = str(c[0]) == "c"  # `c` is a block's output width by convention
        rest = c[1:]
        if rest and isinstance(rest[0], Token):
            if str(rest[0]) != "width":
                raise SpecError(f"unknown parameter kind `{rest[0]}`", tok_span(rest[0]),
                                hint="the one kind is `width`: `exp: width = 16` (a literal value then takes α)")
            width, rest = True, rest[1:]
        return ir.Param(name=str(c[0]), default=rest[0] if rest else None, width=width, span=meta_span(meta))

    def block_def(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        params = [p for p in c[1:] if isinstance(p, ir.Param)]
        body: list[Any] = []
        for item in c[1 + len(params) :]:
            body.extend(item if isinstance(item, list) else [item])
        return ("block", ir.BlockDef(name=str(c[0]), params=params, body=body, span=meta_span(meta)))

    def row(self, meta: Any, c: list[Any]) -> ir.Row:
        return ir.Row(args=list(c), names=[], each=None, span=meta_span(meta))

    def row_for(self, meta: Any, c: list[Any]) -> ir.Row:
        names = [str(t) for t in c if isinstance(t, Token)]
        rest = [x for x in c if not isinstance(x, Token)]
        return ir.Row(args=rest[1:], names=names, each=rest[0], span=meta_span(meta))

    def stages(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        args = c[1] if len(c) > 1 and isinstance(c[1], list) else []
        rows = [r for r in c[1:] if isinstance(r, ir.Row)]
        return ("part", ir.Stages(block=str(c[0]), args=args, rows=rows, span=meta_span(meta),
                                                  block_span=tok_span(c[0])))

    def section(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        name, args, body = str(c[0]), list(c[1:-1]), c[-1]
        span = meta_span(meta)
        if name == "stage":
            if len(args) != 1 or args[0].key is not None or not isinstance(args[0].value, ir.Name):
                raise SpecError("a stage section is written `stage NAME:`", span, hint="e.g. `stage dense1:`")
            return ("part", ir.Section(name=args[0].value.id, body=body, span=span))
        if name not in ("stem", "head"):
            raise SpecError(
                f"unknown section `{name}`",
                tok_span(c[0]),
                hint=did_you_mean(name, TOP_LEVEL_WORDS + SETTINGS) or "sections are stem, head and `stage NAME`",
            )
        if args:
            raise SpecError(f"`{name}:` takes no arguments", args[0].span)
        return ("part", ir.Section(name=name, body=body, span=span))

    def start(self, meta: Any, c: list[Any]) -> list[Any]:
        return list(c)


def _check_name(tok: Token, what: str) -> None:
    """A name shaped like a shorthand (`c1`, `n12`) would read as `c=1` where it is used: refuse it."""
    text = str(tok)
    if len(text) > 1 and text[0] in _SHORT_LETTERS and text[1:].isdigit():
        raise SpecError(f"`{text}` cannot be a {what} name: it reads as the shorthand `{text[0]}={text[1:]}`",
                        tok_span(tok), hint=f"name it e.g. `{text[0]}_{text[1:]}`")


_SHORT_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


def _join(a: Any, b: Any) -> ir.Span | None:
    if a.span is None or b.span is None:
        return a.span or b.span
    return ir.Span(line=a.span.line, col=a.span.col, end_line=b.span.end_line, end_col=b.span.end_col)

def assemble(items: list[tuple[str, Any]], file: str) -> ir.Spec:
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
    return ir.Spec(file=file, **fields)
