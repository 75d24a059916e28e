"""The spec IR: what the author wrote, validated, every node carrying its source span.

Frozen, slotted dataclasses with discriminated unions, validated and serialised by pydantic v2, so
the IR round-trips through JSON (``Spec.model_validate_json``) and has a JSON Schema
(``Spec.model_json_schema()``). Dataclasses rather than ``BaseModel``: the lowering reads these
nodes' fields ~10^4 times per spec, and a ``BaseModel``'s ``__getattr__`` hook keeps Python from
specialising those reads (a sixth of the lowering's time went to them).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import field
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import ConfigDict, Field

if TYPE_CHECKING:
    from pydantic import TypeAdapter

# Part of the prelude cache's key: pickled IR from another layout is never read back.
FORMAT = 2

node = functools.partial(dataclasses.dataclass, frozen=True, slots=True, kw_only=True)


@functools.cache
def _adapter(cls: type) -> TypeAdapter[Any]:
    # Built on first use, not at import: building ~30 validators costs more than parsing a spec.
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


@functools.cache
def field_names(cls: type) -> tuple[str, ...]:
    """The names of an IR node type's fields, in order."""
    return tuple(f.name for f in dataclasses.fields(cls))


class Node:
    """Base of every IR node: immutable, no unknown fields when validated; pydantic's model API."""

    __slots__ = ()
    __pydantic_config__ = ConfigDict(extra="forbid")

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> Self:
        """The node read from JSON, validated (``pydantic.ValidationError`` when it is not one)."""
        return _adapter(cls).validate_json(text)

    @classmethod
    def model_validate(cls, obj: Any) -> Self:
        """The node built from plain data, validated."""
        return _adapter(cls).validate_python(obj)

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of this node's JSON form."""
        return _adapter(cls).json_schema()

    def model_dump_json(self, indent: int | None = None) -> str:
        """The node as JSON text."""
        return _adapter(type(self)).dump_json(self, indent=indent).decode()

    def model_dump(self) -> dict[str, Any]:
        """The node as plain data (dicts, lists, numbers, strings)."""
        return _adapter(type(self)).dump_python(self)

    def model_copy(self, update: dict[str, Any]) -> Self:
        """A copy with the fields in ``update`` replaced."""
        return dataclasses.replace(self, **update)


@node()
class Span(Node):
    """A region of source text, 1-based lines and columns (end column exclusive)."""

    line: int
    col: int
    end_line: int
    end_col: int


# ---- expressions ---------------------------------------------------------------------------


@node()
class Num(Node):
    kind: Literal["num"] = "num"
    value: int | float
    span: Span | None = None


@node()
class Str(Node):
    kind: Literal["str"] = "str"
    value: str
    span: Span | None = None


@node()
class Name(Node):
    kind: Literal["name"] = "name"
    id: str
    span: Span | None = None


@node()
class Attr(Node):
    """``in.c``: an attribute of a named value."""

    kind: Literal["attr"] = "attr"
    obj: str
    attr: str
    span: Span | None = None


@node()
class Func(Node):
    kind: Literal["func"] = "func"
    fn: str
    args: list[Expr]
    span: Span | None = None


@node()
class BinOp(Node):
    kind: Literal["binop"] = "binop"
    op: Literal["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "and", "or"]
    left: Expr
    right: Expr
    span: Span | None = None


@node()
class Unary(Node):
    kind: Literal["unary"] = "unary"
    op: Literal["-", "+", "not"]
    operand: Expr
    span: Span | None = None


@node()
class Cond(Node):
    """``a if test else b``."""

    kind: Literal["cond"] = "cond"
    test: Expr
    body: Expr
    orelse: Expr
    span: Span | None = None


@node()
class List(Node):
    """``[a, b, c]``."""

    kind: Literal["list"] = "list"
    items: list[Expr]
    span: Span | None = None


@node()
class Comp(Node):
    """``[expr for a, b in items]``: one value per item, the names bound to it (unpacked when several)."""

    kind: Literal["comp"] = "comp"
    expr: Expr
    names: list[str]
    iter: Expr
    span: Span | None = None


@node()
class Index(Node):
    """``xs[i]``: an item of a list (negative counts from the end)."""

    kind: Literal["index"] = "index"
    obj: Expr
    index: Expr
    span: Span | None = None


Expr = Annotated[Num | Str | Name | Attr | Func | BinOp | Unary | Cond | List | Comp | Index, Field(discriminator="kind")]


# ---- arguments and statements --------------------------------------------------------------


@node()
class Arg(Node):
    """One argument: positional (``key`` is None), ``key=value``, or a shorthand like ``k3``."""

    key: str | None = None
    value: Expr
    short: bool = False
    span: Span | None = None


@node()
class Call(Node):
    """``conv 64 k3 s2`` or ``bottleneck 128 s=2``: a primitive op or a block call."""

    kind: Literal["call"] = "call"
    name: str
    args: list[Arg] = field(default_factory=list)
    span: Span | None = None


@node()
class Let(Node):
    kind: Literal["let"] = "let"
    name: str
    value: Expr
    span: Span | None = None


@node()
class Compound(Node):
    """A combinator with a body: ``residual shortcut=auto:``, ``concat:``, ``repeat 3:``, ..."""

    kind: Literal["compound"] = "compound"
    name: str
    args: list[Arg] = field(default_factory=list)
    body: list[Stmt]
    span: Span | None = None


@node()
class IfBranch(Node):
    test: Expr | None  # None for ``else``
    body: list[Stmt]
    span: Span | None = None


@node()
class If(Node):
    kind: Literal["if"] = "if"
    branches: list[IfBranch]
    span: Span | None = None


Stmt = Annotated[Call | Let | Compound | If, Field(discriminator="kind")]


# ---- top level ------------------------------------------------------------------------------


@node()
class Param(Node):
    """A block parameter; ``width`` (``c``, or written ``name: width``) means literal values take α."""

    name: str
    default: Expr | None = None
    width: bool = False
    span: Span | None = None


@node()
class BlockDef(Node):
    """``block NAME(params): body`` — a reusable block written in the language."""

    kind: Literal["block"] = "block"
    name: str
    params: list[Param] = field(default_factory=list)
    body: list[Stmt]
    span: Span | None = None


@node()
class Row(Node):
    """One row of a stage table: ``128 x4 s2``; or a generated row, ``for w, n in runs(widths): c=w x=n s2``,
    which stands for one row per item of ``each``, its ``names`` bound to the item."""

    args: list[Arg]
    names: list[str] = field(default_factory=list)
    each: Expr | None = None
    span: Span | None = None


@node()
class Stages(Node):
    """``stages BLOCK(args):`` followed by rows; each row becomes one stage of repeated blocks."""

    kind: Literal["stages"] = "stages"
    block: str
    args: list[Arg] = field(default_factory=list)
    rows: list[Row]
    span: Span | None = None
    block_span: Span | None = None


@node()
class Section(Node):
    """``stem:``, ``head:`` or ``stage NAME:`` with a body of statements."""

    kind: Literal["section"] = "section"
    name: str
    args: list[Arg] = field(default_factory=list)
    body: list[Stmt]
    span: Span | None = None


@node()
class Setting(Node):
    """``defaults: act=silu``, ``round: divisor=8``, ``compound: depth=1.2``, ``scale: alpha=0.5``."""

    name: str
    args: list[Arg]
    span: Span | None = None


@node()
class Variant(Node):
    name: str
    args: list[Arg] = field(default_factory=list)
    span: Span | None = None


Part = Annotated[Section | Stages, Field(discriminator="kind")]


@node()
class Comment(Node):
    """A ``# comment`` (``text`` follows the ``#``), kept so ``archspec fmt`` can print it back.

    ``trailing``: code precedes it on its line. Comments do not affect what a spec means.
    """

    text: str
    trailing: bool = False
    span: Span | None = None


@node()
class Spec(Node):
    """A whole ``.arch`` file."""

    file: str = "<spec>"
    name: str
    description: str = ""
    input: tuple[int, int, int]
    input_span: Span | None = None
    name_span: Span | None = None
    settings: list[Setting] = field(default_factory=list)
    lets: list[Let] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    blocks: list[BlockDef] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


