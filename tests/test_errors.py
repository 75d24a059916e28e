"""Every kind of bad spec gets a located error: file:line:col, the line, a caret, a hint."""

from __future__ import annotations

import pytest

import archspec
from archspec import Budget, SpecError
from tests.conftest import spec

# (case id, spec text, line, col, message fragment, hint fragment or None)
CASES = [
    ("unknown op", spec("stem:\n  conv 16 k3\n  maxpol k3 s2\n"), 5, 3, "unknown op or block `maxpol`", "maxpool"),
    ("unknown top-level word", "netwrk x\ninput 3x32x32\n", 1, 1, "unknown word `netwrk`", "network"),
    ("unknown section", spec("stm:\n  conv 16 k3\n"), 3, 1, "unknown section `stm`", "stem"),
    ("unknown setting", spec("defualts: act=relu\nstem:\n  conv 8 k3\n"), 3, 1, "unknown setting `defualts`", "defaults"),
    ("unknown block in stages", spec("stages botleneck:\n  64 x2 s1\n"), 3, 8, "unknown block `botleneck`", "bottleneck"),
    ("unknown key", spec("stem:\n  conv 16 k3 strid=2\n"), 4, 14, "`conv` has no argument `strid`", "stride"),
    ("unknown shorthand", spec("stem:\n  conv 16 k3 q2\n"), 4, 14, "`conv` has no shorthand `q`", None),
    ("unknown activation", spec("stem:\n  conv 16 k3 act=rleu\n"), 4, 14, "unknown activation `rleu`", "relu"),
    ("unknown shortcut", spec("stem:\n  residual shortcut=autoo:\n    conv 3 k3\n"), 4, 12, "unknown shortcut `autoo`", "auto"),
    ("duplicate key", spec("stem:\n  conv 16 k3 s1 s2\n"), 4, 17, "`s` given twice", None),
    ("misspelt flag", spec("stem:\n  maxpool k3 s2 ciel\n"), 4, 17, "`maxpool` has no flag `ciel`", "ceil"),
    ("duplicate block", spec("block b(c):\n  conv c k3\nblock b(c):\n  conv c k1\nstem:\n  b 8\n"), 5, 1, "block `b` defined twice", None),
    ("duplicate setting", spec("defaults: act=relu\ndefaults: act=silu\nstem:\n  conv 8 k3\n"), 4, 1, "`defaults:` given twice", None),
    ("duplicate variant", spec("variants:\n  a: width=1\n  a: width=2\nstem:\n  conv 8 k3\n"), 5, 3, "variant `a` defined twice", None),
    ("missing block argument", spec("block b(c, s):\n  conv c k3 s=s\nstem:\n  b 16\n"), 6, 3, "block `b` needs `s`", "(c, s)"),
    ("missing kernel", spec("stem:\n  conv 16\n"), 4, 3, "`conv` needs a kernel size", "k3"),
    ("extra argument", spec("stem:\n  conv 16 k3 s1 7\n"), 4, 17, "too many arguments to `conv`", None),
    ("extra block argument", spec("block b(c):\n  conv c k3\nstem:\n  b 16 32\n"), 6, 8, "too many arguments to `b`", None),
    ("wrong type: word for number", spec("stem:\n  conv 16 k=three\n"), 4, 13, "undefined name `three`", None),
    ("wrong type: bool", spec("stem:\n  conv 16 k3 bias=maybe\n"), 4, 14, "bias must be true or false", None),
    ("zero channels", spec("stem:\n  conv 0 k3\n"), 4, 8, "output channels must be at least 1, got 0", None),
    ("negative stride", spec("stem:\n  conv 16 k3 s=-1\n"), 4, 14, "stride must be at least 1, got -1", None),
    ("fractional channels", spec("stem:\n  conv 16.5 k3\n"), 4, 8, "must be a whole number, got 16.5", "round()"),
    ("zero repeats", spec("stages basic:\n  64 x0 s1\n"), 4, 6, "repeat count must be at least 1", None),
    ("undefined name", spec("block b(channels):\n  conv chanels k3\nstem:\n  b 16\n"), 4, 8, "undefined name `chanels`", "channels"),
    ("undefined function", spec("let w = flor(3.5)\nstem:\n  conv 8 k3\n"), 3, 9, "unknown function `flor`", "floor"),
    ("recursive block", spec("block a(c):\n  b c\nblock b(c):\n  a c\nstem:\n  a 16\n"), 6, 3, "calls itself (a → b → a)", "recursive"),
    ("self-recursive block", spec("block a(c):\n  a c\nstem:\n  a 16\n"), 4, 3, "block `a` calls itself", None),
    ("group name reused", spec("stem:\n  conv 8 k3\n  group conv1:\n    conv 8 k1\n"), 5, 3, "the name `conv1` is already used here", None),
    ("group name not a word", spec("stem:\n  group 1.5:\n    conv 8 k1\n"), 4, 9, "a group's name is a word or a whole number", "group 0"),
    ("group without a name", spec("stem:\n  group:\n    conv 8 k1\n"), 4, 3, "`group` needs a name", None),
    ("groups do not divide", spec("stem:\n  conv 16 k3 g=3\n"), 4, 14, "groups=3 does not divide the channels (3 in, 16 out)", "3 channels"),
    ("map below 1x1", spec("stem:\n  conv 8 k3 s2\n  conv 8 k3 s2\n  conv 8 k3 s2\n  maxpool k3 s2\n", input="3x8x8"), 7, 3,
     "leaves a map smaller than 1×1", None),
    ("kernel larger than map", spec("stem:\n  conv 8 k9 p0\n", input="3x4x4"), 4, 3, "leaves a map smaller than 1×1", None),
    ("channels cannot be added", spec("stem:\n  residual shortcut=zeropad:\n    conv 2 k3\n"), 4, 3, "cannot shrink channels (3 → 2)", "projection"),
    ("residual size mismatch", spec("stem:\n  residual:\n    conv 8 k3 s3 p0\n", input="3x32x32"), 4, 3, "no 1×1 shortcut matches", None),
    ("scale width mismatch", spec("stem:\n  conv 8 k3\n  scale:\n    avgpool global\n    conv 4 k1\n"), 5, 3, "multiplies a 8×32×32 input", "8 channels"),
    ("concat size mismatch", spec("stem:\n  concat:\n    branch: conv 4 k3\n    branch: conv 4 k3 s2\n"), 6, 5, "concat needs equal sizes", None),
    ("bad indentation", spec("stem:\n    conv 16 k3\n  conv 16 k3\n"), 5, 1, "matches no enclosing block", None),
    ("tab indentation", spec("stem:\n\tconv 16 k3\n"), 4, 1, "tab in indentation", "spaces"),
    ("unexpected character", spec("stem:\n  conv 16 k3 $\n"), 4, 14, "unexpected character `$`", None),
    ("unexpected token", spec("stem:\n  conv 16 k3 )\n"), 4, 14, "unexpected `)`", None),
    ("no network line", "input 3x32x32\nstem:\n  conv 8 k3\n", 1, 1, "no `network NAME` line", None),
    ("no input line", "network x\nstem:\n  conv 8 k3\n", 1, 9, "no `input CxHxW` line", None),
    ("bad input shape", "network x\ninput 3x32\n", 2, 7, "input must be CxHxW", None),
    ("empty network", spec(""), 1, 9, "the network has no layers", None),
    ("NUL byte", spec("stem:\n  conv 8 k3\x00\n"), 4, 1, "NUL byte", None),
    ("huge power", spec("let big = 2 ** 10 ** 9\nstem:\n  conv 16 k3\n"), 3, 11, "power is too large", None),
    ("division by zero", spec("let z = 4 / 0\nstem:\n  conv 16 k3\n"), 3, 9, "division by zero", None),
    ("billions of repeats", spec("stages basic:\n  64 x1000000000 s1\n"), 4, 6, "repeats is over the budget", None),
    ("trillions of channels", spec("stem:\n  conv 1000000000000 k3\n"), 4, 3, "over the budget", None),
    ("huge input", spec("stem:\n  conv 16 k3\n", input="3x1000000x1000000"), 2, 7, "over the budget", None),
    ("literal too large", spec("stem:\n  conv 10000000000000000000 k3\n"), 4, 8, "number is too large", None),
    ("unknown variant key", spec("let d = 0.2\nvariants:\n  a: widht=1.0\nstem:\n  conv 8 k3\n"), 5, 6, "variant key `widht`", "width"),
    ("body on a primitive", spec("stem:\n  conv 8 k3:\n    act\n"), 4, 3, "takes no indented body", None),
    ("combinator without body", spec("stem:\n  residual\n"), 4, 3, "`residual` needs a body", None),
    ("branch outside concat", spec("stem:\n  branch:\n    conv 8 k3\n"), 4, 3, "`branch:` belongs inside `concat:`", None),
    ("spatial op after flatten", spec("head:\n  flatten\n  conv 8 k3\n"), 5, 3, "needs a C×H×W input", None),
    ("shorthand with a minus", spec("stem:\n  conv 8 k3\nstages basic:\n  32 x3 s-2\n"), 6, 9, "undefined name `s`",
     "`s-2` reads as `s` minus 2; did you mean `s2` or `s=-2`? (a stride is at least 1)"),
    ("unknown block sharing a prefix", spec("stages basic_block:\n  32 x3 s2\n"), 3, 8, "unknown block `basic_block`",
     "did you mean `basic`? the blocks: basic, basic_d, bottleneck, "),
    ("over-indented line", spec("stem:\n  conv 16 k3\n    conv 16 k3\n"), 5, 1,
     "unexpected indentation: 4 spaces where the line above has 2", "line it up with the line above (2 spaces)"),
    ("section body not indented", spec("stem:\n  conv 8 k3\nhead:\navgpool global\n"), 6, 1,
     "`avgpool` is not indented under `head:`", "2 spaces, not 0"),
    ("combinator body not indented", spec("stem:\n  residual:\n  # the body\n\n  conv 8 k3\n"), 7, 3,
     "`conv` is not indented under `residual:` (line 4)", "4 spaces, not 2"),
    ("body dedented below its header", spec("stem:\n  residual:\nconv 8 k3\n"), 5, 1, "`conv` is not indented under",
     "4 spaces, not 0"),
    ("header with no body", spec("stem:\n  conv 8 k3\nhead:\n"), 5, 1, "`head:` has no body", "2 spaces"),
    ("in.c in a gate is the section's input", spec("stem:\n  conv 16 k3\n  scale:\n    avgpool global\n    conv 4 k1\n"
                                                   "    conv in.c k1 act=sigmoid\n"), 5, 3, "multiplies a 16×32×32 input",
     "`in` inside `scale:` is the input of the enclosing block or section (3×32×32), not the gate's (16×32×32)"),
    ("in.c in a gate makes zero channels", spec("stem:\n  conv 16 k3\n  scale:\n    avgpool global\n"
                                                "    conv in.c//4 k1\n    conv 16 k1\n"), 7, 10,
     "output channels must be at least 1, got 0", "`in.c` is 3 here"),
]


@pytest.mark.parametrize("text,line,col,message,hint", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_located_error(text: str, line: int, col: int, message: str, hint: str | None) -> None:
    with pytest.raises(SpecError) as info:
        archspec.loads(text, "bad.arch")
    e = info.value
    assert (e.file, e.line, e.col) == ("bad.arch", line, col), e.format()
    assert message in e.message, e.format()
    if hint is not None:
        assert e.hint is not None and hint in e.hint, e.format()
    report = e.format().splitlines()
    assert report[0].startswith(f"bad.arch:{line}:{col}: error: ")
    # The offending line is shown, with a caret under the column.
    assert report[1].strip().startswith(f"{line} |")
    caret_line = report[2]
    assert caret_line.index("^") - caret_line.index("|") - 2 == col - 1


def test_every_case_is_distinct() -> None:
    assert len({c[0] for c in CASES}) == len(CASES)


def test_budget_is_configurable() -> None:
    text = spec("stem:\n  conv 64 k3\n  conv 64 k3\n")
    params = 3 * 64 * 9 + 64 * 64 * 9 + 4 * 64  # two convs and their norms
    assert archspec.loads(text).params == params
    with pytest.raises(SpecError, match="parameters"):
        archspec.loads(text, budget=Budget(max_params=params - 1))
    with pytest.raises(SpecError, match="more than 3 layers"):
        archspec.loads(text, budget=Budget(max_nodes=3))


def test_errors_inside_builtin_blocks_point_at_the_call() -> None:
    # A zero-padding shortcut cannot shrink 64 to 32 channels: the error is inside `basic`'s
    # residual, so it names the prelude and points at the stage row that asked for it.
    text = spec("stem:\n  conv 64 k3\nstages basic(shortcut=zeropad):\n  32 x1 s1\n")
    with pytest.raises(SpecError) as info:
        archspec.loads(text, "bad.arch")
    assert info.value.line == 6
    assert "built-in block `basic`, prelude.arch:" in info.value.message


def test_bad_override_is_a_clear_error() -> None:
    with pytest.raises(SpecError, match="cannot set `alhpa`") as info:
        archspec.load("resnet18", overrides={"alhpa": 0.5})
    assert "alpha" in (info.value.hint or "")


def test_unknown_variant() -> None:
    with pytest.raises(SpecError, match="has no variants"):
        archspec.load("resnet18", variant="b3")
