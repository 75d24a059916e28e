"""``fmt``: canonical text, idempotent, comments kept, the same IR and layer graph."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

import archspec
from archspec import zoo
from archspec.fmt import expr, fmt, same_spec
from archspec.parse import parse

MESSY = '''\
# header comment

network   messy "a test"   # trailing on network
input 3x32x32
let  g = 2     # groups
let k = (3)
let eps = 0.00001
defaults: act=relu bn_eps=eps
block weird(c, s=1, t = 2 ,
    e: width = 16):   # header trailing
  # first line of the body
  let h = floor(c * t / 2) + -1 * -g
  if t != 1 and not (s > 1 or c < 2): conv h k1   # inline if
  elif t == 1:
    conv h k1 act=(relu if t > 1 else silu)
  else: conv h k3
  residual shortcut=auto:
    conv c k3 s=s groups=1 ; act
    # comment at the end of the residual body
  conv c k1 p=0 d=1 bias=false norm=none act=none


stem: conv 16 k3 s=1   # inline section
stages weird(t=2, e=8):
  16 x1 s1
  32 x2 s2 t=1   # row comment
  # between rows
  64 x1 s=2
stage extra:
  concat:
    branch: conv 8 k1; conv 8 k3
    branch:
      maxpool k3 s1 p1 ceil
      conv 8 k1
  scale:
    avgpool global
    conv 4 k1 norm=none
    conv 16 k1 norm=none act=sigmoid
  dense 2: conv 4 k3
  repeat 2:
    conv 20 k3 act=silu
head:
  avgpool global
  fc 10 act=none
# final comment
'''


def _layers(net: archspec.Network) -> list:
    return [(n.name, n.op, n.attrs, n.inputs, n.out) for n in net.graph.nodes]


def _check(text: str, file: str = "<spec>") -> str:
    once = fmt(text, file)
    assert fmt(once, file) == once
    assert same_spec(parse(text, file), parse(once, file))
    return once


def test_messy_spec_is_canonical_and_keeps_every_comment() -> None:
    out = _check(MESSY)
    for c in parse(MESSY).comments:
        assert "#" + c.text in out
    assert _layers(archspec.loads(out)) == _layers(archspec.loads(MESSY))
    assert "network messy \"a test\"  # trailing on network" in out
    assert "let eps = 0.00001" in out and "let k = 3" in out
    assert "block weird(c, s=1, t=2, e: width = 16):  # header trailing" in out
    assert "    conv c k3 s=s groups=1; act" in out  # statements on one line stay on one line
    assert "    branch: conv 8 k1; conv 8 k3" in out  # and so do inline bodies
    assert "\n\n\n" not in out and out.endswith("\n") and not out.endswith("\n\n")


def test_stage_tables_align_by_argument() -> None:
    out = _check("network t\ninput 3x64x64\nstages basic:\n  64 x2 s1\n  128 x2  s2 shortcut=zeropad\n  8 s2 x1\n")
    assert "  64  x2 s1\n  128 x2 s2 shortcut=zeropad\n  8   s2 x1\n" in out  # a row out of order: by position


def test_trailing_comments_of_neighbouring_lines_align() -> None:
    out = _check("network t\ninput 1x32x32\nstem:\n  conv 6 k5 p0  # C1\n  avgpool k2 s2 # S2\n")
    assert "  conv 6 k5 p0   # C1\n  avgpool k2 s2  # S2\n" in out


@pytest.mark.parametrize("text", [
    "a - (b - c)", "(a - b) - c", "a * (b + c)", "-a ** 2", "(-a) ** 2", "a ** b ** c", "(a ** b) ** c",
    "not (a and b) or c", "a if b else (c if d else e)", "(a if b else c) + 1", "floor(in.c * 0.25) // 2",
    "(a < b) == c", "-(a + b)", "a - -b", "1e-07 * x", "2.5", "\"s\"",
])
def test_expressions_print_with_the_fewest_parentheses(text: str) -> None:
    e = parse(f"network t\ninput 3x8x8\nlet v = {text}\nstem:\n  act\n").lets[0].value
    again = parse(f"network t\ninput 3x8x8\nlet v = {expr(e)}\nstem:\n  act\n").lets[0].value
    assert same_spec(parse(f"network t\ninput 3x8x8\nlet v = {expr(e)}\nstem:\n  act\n"),
                     parse(f"network t\ninput 3x8x8\nlet v = {text}\nstem:\n  act\n"))
    assert expr(again) == expr(e)


def test_arguments_stay_one_word() -> None:
    out = _check("network t\ninput 3x8x8\nlet m = 2\nstem:\n  conv m * 4 k3 s=(2 if m > 1 else 1)\n")
    assert "  conv m*4 k3 s=(2 if m > 1 else 1)\n" in out


def test_a_spec_ir_formats_back_with_its_comments() -> None:
    net = archspec.loads(MESSY)
    out = fmt(net.to_json())
    assert out.replace("\n\n", "\n") == fmt(MESSY).replace("\n\n", "\n")  # only the source's blank lines are lost


def test_the_prelude_formats() -> None:
    text = resources.files("archspec").joinpath("prelude.arch").read_text(encoding="utf-8")
    assert not _check(text, "prelude.arch").startswith("network")  # a file of blocks gets no network line


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted({e.spec for e in zoo.entries()}))
def test_zoo_specs_format_to_the_same_network(path: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    out = _check(text, path)
    for e in [e for e in zoo.entries() if e.spec == path]:
        assert _layers(archspec.loads(out, path, e.variant)) == _layers(archspec.loads(text, path, e.variant))


def test_network_format_is_fmt() -> None:
    assert archspec.loads(MESSY).format() == fmt(MESSY)
    assert archspec.loads(archspec.loads(MESSY).to_json()).format() == fmt(archspec.loads(MESSY).to_json())
