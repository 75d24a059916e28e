"""The Pygments lexer: the zoo, the prelude and the docs' examples lex with no error token, every
token of the grammar has a rule, and Pygments finds the lexer by name and by file name."""

from __future__ import annotations

import random
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, _TokenType

from archspec.docgen.examples import arch_examples
from archspec.expr import FUNCTIONS
from archspec.lexer import ArchspecLexer
from archspec.ops import COMBINATORS, OPS
from tests import fuzz

ROOT = Path(__file__).resolve().parent.parent
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "specs").glob("*.arch"))}
TEXTS["prelude.arch"] = (ROOT / "archspec" / "prelude.arch").read_text(encoding="utf-8")
for page in sorted((ROOT / "docs").rglob("*.md")):
    for e in arch_examples(page.read_text(encoding="utf-8")):
        TEXTS[f"{page.name}:{e.line}"] = e.text
LEXER = ArchspecLexer()


def lex(text: str) -> list[tuple[_TokenType, str]]:
    return [(t, v) for t, v in LEXER.get_tokens(text) if v.strip()]


def kinds(text: str) -> dict[str, _TokenType]:
    """Each word's token type, where it first appears."""
    out: dict[str, _TokenType] = {}
    for t, v in lex(text):
        out.setdefault(v, t)
    return out


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_shipped_text_lexes_with_no_error_token(name: str) -> None:
    text = TEXTS[name]
    tokens = list(LEXER.get_tokens(text))
    assert not [(t, v) for t, v in tokens if t in Error], name
    assert "".join(v for _, v in tokens) == text  # nothing lost, nothing added


def test_random_specs_lex_with_no_error_token() -> None:
    for seed in range(200):
        text = fuzz.with_comments(random.Random(seed), fuzz.random_spec(random.Random(seed)))
        assert not [v for t, v in LEXER.get_tokens(text) if t in Error], text


def test_every_literal_of_the_grammar_has_a_rule() -> None:
    """The grammar's keywords and punctuation: each lexes, the words as keywords."""
    grammar = (ROOT / "archspec" / "grammar.lark").read_text(encoding="utf-8")
    literals = set(re.findall(r'"([^"\s]+)"', grammar.split("// ---- terminals")[0]))
    assert {"network", "stages", "for", "(", ":", ";", "**"} <= literals | {"**"}
    for lit in sorted(literals):
        tokens = lex(f"{lit} y\n" if lit.isalpha() else f"x {lit} y\n")
        assert not [t for t, _ in tokens if t in Error], lit
        if lit.isalpha():
            assert any(t in Keyword for t, v in tokens if v == lit), (lit, tokens)


def test_every_terminal_of_the_grammar() -> None:
    k = kinds('network net "a description"  # a comment\ninput 3x224x224\nlet w_0 = 1e-05 + .5 + 3. + 24\n'
              "variants:\n  b0: width=1.0\n  16_bn: width=2\n  x_8gf: width=3\nstem:\n  conv w_0*2 k1x7 s2 p0x3 act=relu6\n")
    assert k['"a description"'] in String and k["# a comment"] in Comment and k["3x224x224"] in Number
    assert k["1e-05"] in Number.Float and k[".5"] in Number.Float and k["3."] in Number.Float and k["24"] in Number.Integer
    assert k["b0"] in Name.Label and k["16_bn"] in Name.Label and k["x_8gf"] in Name.Label  # variant names
    assert k["k1x7"] in Name.Attribute and k["s2"] in Name.Attribute and k["p0x3"] in Name.Attribute  # shorthands
    assert k["act"] in Name.Attribute and k["relu6"] in Name.Constant and k["w_0"] in Name.Variable
    assert k["net"] in Name.Function and k["conv"] in Name.Builtin and k["*"] in Operator
    k = kinds("block b(c: width, s=1):\n  residual shortcut=auto:\n    conv in.c k3 s=(s if s > 1 else 1)\n"
              "  let xs = [i ** 2 for i in range(3)]\n  if not xs[0] // 2 == 0 and true or false: act\n"
              "stages b(s=2):\n  for w, n in runs(ws): c=w x=n\n  maxpool k3 s2 ceil\n")
    assert k["residual"] in Keyword and k["in"] in Name.Builtin.Pseudo and k["range"] in Name.Builtin
    assert k["**"] in Operator and k["//"] in Operator and k["=="] in Operator and k[">"] in Operator
    assert k["for"] in Keyword and k["not"] in Keyword and k["ceil"] in Name.Constant and k["b"] in Name.Function
    assert kinds("stages basic(s=2):\n  64 x1\n")["basic"] in Name.Class
    assert kinds("stem:\n  norm; act\n")[";"] in Punctuation


def test_the_words_come_from_the_definitions() -> None:
    for op in OPS:
        assert kinds(f"stem:\n  {op}\n")[op] in Name.Builtin, op
    for c in COMBINATORS:
        assert kinds(f"stem:\n  {c}:\n    act\n")[c] in Keyword, c
    for f in FUNCTIONS:
        assert kinds(f"let a = {f}(1)\n")[f] in Name.Builtin, f


def test_pygments_finds_the_lexer_by_its_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["pygments.lexers"] == {"archspec": "archspec.lexer:ArchspecLexer"}
    if not any(ep.value == "archspec.lexer:ArchspecLexer" for ep in metadata.entry_points(group="pygments.lexers")):
        pytest.skip("the installed archspec predates the entry point: reinstall (pip install -e .) to register it")
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert isinstance(get_lexer_by_name("archspec"), ArchspecLexer)
    assert isinstance(get_lexer_for_filename("resnet50.arch"), ArchspecLexer)
