"""The spec IR: what the author wrote, validated, every node carrying its source span.

Pydantic v2 models with discriminated unions, so the IR round-trips through JSON
(``Spec.model_validate_json``) and has a JSON Schema (``Spec.model_json_schema()``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Node(BaseModel):
    """Base of every IR node: strict, immutable, no unknown fields."""

    # defer_build: the validators are built on first use, which keeps `import archspec` fast
    # (building ~30 schemas up front costs more than parsing a spec).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Span(Node):
    """A region of source text, 1-based lines and columns (end column exclusive)."""

    line: int
    col: int
    end_line: int
    end_col: int


# ---- expressions ---------------------------------------------------------------------------


class Num(Node):
    kind: Literal["num"] = "num"
    value: int | float
    span: Span | None = None


class Str(Node):
    kind: Literal["str"] = "str"
    value: str
    span: Span | None = None


class Name(Node):
    kind: Literal["name"] = "name"
    id: str
    span: Span | None = None


class Attr(Node):
    """``in.c``: an attribute of a named value."""

    kind: Literal["attr"] = "attr"
    obj: str
    attr: str
    span: Span | None = None


class Func(Node):
    kind: Literal["func"] = "func"
    fn: str
    args: list[Expr]
    span: Span | None = None


class BinOp(Node):
    kind: Literal["binop"] = "binop"
    op: Literal["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "and", "or"]
    left: Expr
    right: Expr
    span: Span | None = None


class Unary(Node):
    kind: Literal["unary"] = "unary"
    op: Literal["-", "+", "not"]
    operand: Expr
    span: Span | None = None


class Cond(Node):
    """``a if test else b``."""

    kind: Literal["cond"] = "cond"
    test: Expr
    body: Expr
    orelse: Expr
    span: Span | None = None


class List(Node):
    """``[a, b, c]``."""

    kind: Literal["list"] = "list"
    items: list[Expr]
    span: Span | None = None


class Comp(Node):
    """``[expr for a, b in items]``: one value per item, the names bound to it (unpacked when several)."""

    kind: Literal["comp"] = "comp"
    expr: Expr
    names: list[str]
    iter: Expr
    span: Span | None = None


class Index(Node):
    """``xs[i]``: an item of a list (negative counts from the end)."""

    kind: Literal["index"] = "index"
    obj: Expr
    index: Expr
    span: Span | None = None


Expr = Annotated[Num | Str | Name | Attr | Func | BinOp | Unary | Cond | List | Comp | Index, Field(discriminator="kind")]


# ---- arguments and statements --------------------------------------------------------------


class Arg(Node):
    """One argument: positional (``key`` is None), ``key=value``, or a shorthand like ``k3``."""

    key: str | None = None
    value: Expr
    short: bool = False
    span: Span | None = None


class Call(Node):
    """``conv 64 k3 s2`` or ``bottleneck 128 s=2``: a primitive op or a block call."""

    kind: Literal["call"] = "call"
    name: str
    args: list[Arg] = []
    span: Span | None = None


class Let(Node):
    kind: Literal["let"] = "let"
    name: str
    value: Expr
    span: Span | None = None


class Compound(Node):
    """A combinator with a body: ``residual shortcut=auto:``, ``concat:``, ``repeat 3:``, ..."""

    kind: Literal["compound"] = "compound"
    name: str
    args: list[Arg] = []
    body: list[Stmt]
    span: Span | None = None


class IfBranch(Node):
    test: Expr | None  # None for ``else``
    body: list[Stmt]
    span: Span | None = None


class If(Node):
    kind: Literal["if"] = "if"
    branches: list[IfBranch]
    span: Span | None = None


Stmt = Annotated[Call | Let | Compound | If, Field(discriminator="kind")]


# ---- top level ------------------------------------------------------------------------------


class Param(Node):
    """A block parameter; ``width`` (``c``, or written ``name: width``) means literal values take α."""

    name: str
    default: Expr | None = None
    width: bool = False
    span: Span | None = None


class BlockDef(Node):
    """``block NAME(params): body`` — a reusable block written in the language."""

    kind: Literal["block"] = "block"
    name: str
    params: list[Param] = []
    body: list[Stmt]
    span: Span | None = None


class Row(Node):
    """One row of a stage table: ``128 x4 s2``; or a generated row, ``for w, n in runs(widths): c=w x=n s2``,
    which stands for one row per item of ``each``, its ``names`` bound to the item."""

    args: list[Arg]
    names: list[str] = []
    each: Expr | None = None
    span: Span | None = None


class Stages(Node):
    """``stages BLOCK(args):`` followed by rows; each row becomes one stage of repeated blocks."""

    kind: Literal["stages"] = "stages"
    block: str
    args: list[Arg] = []
    rows: list[Row]
    span: Span | None = None
    block_span: Span | None = None


class Section(Node):
    """``stem:``, ``head:`` or ``stage NAME:`` with a body of statements."""

    kind: Literal["section"] = "section"
    name: str
    args: list[Arg] = []
    body: list[Stmt]
    span: Span | None = None


class Setting(Node):
    """``defaults: act=silu``, ``round: divisor=8``, ``compound: depth=1.2``, ``scale: alpha=0.5``."""

    name: str
    args: list[Arg]
    span: Span | None = None


class Variant(Node):
    name: str
    args: list[Arg] = []
    span: Span | None = None


Part = Annotated[Section | Stages, Field(discriminator="kind")]


class Comment(Node):
    """A ``# comment`` (``text`` follows the ``#``), kept so ``archspec fmt`` can print it back.

    ``trailing``: code precedes it on its line. Comments do not affect what a spec means.
    """

    text: str
    trailing: bool = False
    span: Span | None = None


class Spec(Node):
    """A whole ``.arch`` file."""

    file: str = "<spec>"
    name: str
    description: str = ""
    input: tuple[int, int, int]
    input_span: Span | None = None
    name_span: Span | None = None
    settings: list[Setting] = []
    lets: list[Let] = []
    variants: list[Variant] = []
    blocks: list[BlockDef] = []
    parts: list[Part] = []
    comments: list[Comment] = []


