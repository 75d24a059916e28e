"""``fmt``: canonical text, idempotent, comments kept, the same IR and layer graph."""

from __future__ import annotations

import random
from importlib import resources
from pathlib import Path

import pytest

import archspec
from archspec import zoo
from archspec.cli import main
from archspec.docgen.examples import arch_examples, failing
from archspec.errors import SpecError
from archspec.fmt import expr, fmt, same_spec
from archspec.parse import parse
from tests import fuzz

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "specs").glob("*.arch")) + [ROOT / "archspec" / "prelude.arch"]
DOCS = sorted((ROOT / "docs").rglob("*.md"))

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


def test_alignment_is_computed_not_kept() -> None:
    """gofmt's way: a run of commented lines shares one column, two spaces past its longest line; a
    line without a comment, a blank line or a full-line comment ends the run."""
    text = ("network t\ninput 1x32x32\n\nstem:\n  conv 6 k5 p0        # C1\n  avgpool k2 s2 # S2\n  conv 16 k5 p0\n"
            "  avgpool k2 s2   # S4\n\nhead:\n  fc 120 act=tanh # C5\n")
    assert _check(text) == ("network t\ninput 1x32x32\n\nstem:\n  conv 6 k5 p0   # C1\n  avgpool k2 s2  # S2\n  conv 16 k5 p0\n"
                            "  avgpool k2 s2  # S4\n\nhead:\n  fc 120 act=tanh  # C5\n")


def test_a_stage_table_aligns_each_kind_of_row_among_its_own() -> None:
    text = ("network t\ninput 3x64x64\nlet ws = [16, 32]\nstages basic:  # width  repeats  stride\n  16 x1 s1\n"
            "  maxpool k3 s2 ceil\n  128 x12 s2 shortcut=zeropad\n  for w in ws: c=w s2\n"
            "  for w, n in runs(ws): c=w x=n s2\n  avgpool k2\n")
    assert _check(text).endswith("stages basic:  # width  repeats  stride\n  16  x1  s1\n  maxpool k3 s2 ceil\n"
                                 "  128 x12 s2 shortcut=zeropad\n  for w in ws:          c=w     s2\n"
                                 "  for w, n in runs(ws): c=w x=n s2\n  avgpool k2\n")


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
    out = _check(fuzz.unaligned(text), path)
    for e in [e for e in zoo.entries() if e.spec == path]:
        assert _layers(archspec.loads(out, path, e.variant)) == _layers(archspec.loads(text, path, e.variant))


def _docs_examples() -> list[tuple[str, str]]:
    """Every ```arch example of docs/ that parses (the examples of syntax errors cannot be formatted)."""
    out = []
    for page in DOCS:
        text = page.read_text(encoding="utf-8")
        bad = failing(text)
        for e in arch_examples(text):
            try:
                parse(e.text, e.file or "<example>")
            except SpecError:
                assert e.file in bad, f"{page.name}:{e.line}: an example that does not parse, not shown as an error"
                continue
            out.append((f"{page.name}:{e.line}", e.text))
    return out


def test_all_shipped_arch_text_is_formatted(capsys: pytest.CaptureFixture[str]) -> None:
    """`archspec fmt --check` is clean on the zoo and the prelude, and so is every example in docs/."""
    code = main(["fmt", "--check", *map(str, SHIPPED)])
    assert code == 0, capsys.readouterr().out
    examples = _docs_examples()
    assert len(examples) >= 20
    for where, text in examples:
        assert fmt(text) == text, f"{where} is not formatted:\n{fmt(text)}"


@pytest.mark.parametrize("path", SHIPPED[:-1], ids=[p.name for p in SHIPPED[:-1]])
def test_a_zoo_spec_comes_back_from_collapsed_alignment_with_the_same_numbers(path: Path) -> None:
    """Alignment is computed: the canonical text, every space collapsed, formats back to itself,
    and every model of the file keeps its parameters and MACs."""
    text = path.read_text(encoding="utf-8")
    messy = fuzz.unaligned(text)
    assert fmt(messy, str(path)) == text
    for e in [e for e in zoo.entries() if Path(e.spec).name == path.name]:
        before, after = archspec.loads(text, str(path), e.variant), archspec.loads(fmt(messy, str(path)), str(path), e.variant)
        assert (after.params, after.macs, after.output) == (before.params, before.macs, before.output), e.name


def test_fmt_is_idempotent_on_the_fuzz_corpus() -> None:
    """fmt(fmt(x)) == fmt(x), meaning kept, on the fuzzer's hand-written corpus and its random specs,
    with comments sprinkled in."""
    rng = random.Random(0)
    texts = [c.text for c in fuzz.corpus() if c.text is not None and len(c.text) < 100_000]
    texts += [fuzz.with_comments(rng, fuzz.random_spec(random.Random(seed))) for seed in range(300)]
    checked = 0
    for text in texts:
        try:
            parse(text, "fuzz.arch")
        except SpecError:
            continue
        _check(text, "fuzz.arch")
        checked += 1
    assert checked >= 250


def test_network_format_is_fmt() -> None:
    assert archspec.loads(MESSY).format() == fmt(MESSY)
    assert archspec.loads(archspec.loads(MESSY).to_json()).format() == fmt(archspec.loads(MESSY).to_json())
