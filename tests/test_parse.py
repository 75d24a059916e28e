"""Parsing: text → typed IR with spans; the IR round-trips through JSON and has a schema."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from archspec import ir
from archspec.errors import SpecError
from archspec.parse import parse

ROOT = Path(__file__).resolve().parent.parent

TEXT = '''# a comment
network demo "A demo network"   # trailing comment
input 3x64x64
defaults: act=relu6 bn_eps=1e-3
round: divisor=8 min=8 guard=0.9
let width0 = 32

block unit(c, s=1, t=6):
  let hidden = round(in.c * t)
  residual shortcut=when_same:
    if t != 1: conv hidden k1
    conv hidden k3 s=s groups=hidden
    conv c k1 act=none

stem:
  conv width0 k3 s2

stages unit(t=6):
  16 x1 s1 t=1
  24 x2 s2

head:
  avgpool global; flatten
  fc 10
'''


def test_structure_and_values() -> None:
    s = parse(TEXT, "demo.arch")
    assert (s.name, s.description, s.input, s.file) == ("demo", "A demo network", (3, 64, 64), "demo.arch")
    assert [x.name for x in s.settings] == ["defaults", "round"]
    assert [x.name for x in s.lets] == ["width0"]
    (block,) = s.blocks
    assert [(p.name, p.default.value if p.default else None) for p in block.params] == [("c", None), ("s", 1), ("t", 6)]
    assert [type(x).__name__ for x in block.body] == ["Let", "Compound"]
    residual = block.body[1]
    assert isinstance(residual, ir.Compound) and isinstance(residual.body[0], ir.If)
    stem, stages, head = s.parts
    assert isinstance(stages, ir.Stages) and stages.block == "unit" and len(stages.rows) == 2
    row = stages.rows[0]
    assert [(a.key, a.short) for a in row.args] == [(None, False), ("x", True), ("s", True), ("t", False)]
    assert [c.name for c in head.body] == ["avgpool", "flatten", "fc"]


def test_spans_point_at_the_text() -> None:
    s = parse(TEXT, "demo.arch")
    call = s.parts[0].body[0]
    assert call.span is not None and (call.span.line, call.span.col) == (16, 3)
    line = TEXT.splitlines()[call.span.line - 1]
    assert line[call.span.col - 1 : call.span.end_col - 1] == "conv width0 k3 s2"


def test_expression_precedence() -> None:
    s = parse("network x\ninput 1x1x1\nlet a = 1 + 2 * 3 ** 2 - -4 // 3\nlet b = not 1 < 2 and 3 >= 3 or 0\n")
    a = s.lets[0].value
    assert isinstance(a, ir.BinOp) and a.op == "-"
    assert isinstance(a.left, ir.BinOp) and a.left.op == "+" and a.left.right.op == "*"
    assert a.left.right.right.op == "**"
    b = s.lets[1].value
    assert b.op == "or" and b.left.op == "and" and isinstance(b.left.left, ir.Unary)


def test_json_round_trip_and_schema() -> None:
    s = parse(TEXT, "demo.arch")
    again = ir.Spec.model_validate_json(s.model_dump_json())
    assert again == s
    schema = ir.Spec.model_json_schema()
    assert schema["title"] == "Spec" and "parts" in schema["properties"]


def test_ir_is_strict() -> None:
    # Validation (a saved IR read back) refuses unknown fields and values outside a field's type;
    # the constructors the parser uses refuse unknown fields too.
    with pytest.raises(ValueError, match="bogus"):
        ir.Call.model_validate({"name": "conv", "args": [], "bogus": 1})
    with pytest.raises(ValueError, match="op"):
        ir.BinOp.model_validate({"op": "^", "left": {"kind": "num", "value": 1}, "right": {"kind": "num", "value": 2}})
    with pytest.raises(TypeError, match="bogus"):
        ir.Call(name="conv", args=[], bogus=1)  # type: ignore[call-arg]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ir.Num(value=1).value = 2  # type: ignore[misc]


@pytest.mark.parametrize("path", sorted((ROOT / "specs").glob("*.arch")), ids=lambda p: p.name)
def test_every_zoo_spec_parses(path: Path) -> None:
    s = parse(path.read_text(), str(path))
    assert s.name and s.parts


def test_one_text_read_under_two_names_keeps_each_name() -> None:
    # A parse is shared between reads of the same text (zoo lookup, then load); the name is not.
    text = "network same\ninput 3x8x8\nstem:\n  conv 4 k3\n"
    a, b = parse(text, "a.arch"), parse(text, "b.arch")
    assert (a.file, b.file) == ("a.arch", "b.arch")
    assert a.model_copy(update={"file": "b.arch"}) == b
    bad = text + "  conv -\n"
    for file in ("a.arch", "b.arch"):
        with pytest.raises(SpecError) as err:
            parse(bad, file)
        assert str(err.value).startswith(f"{file}:5:")
