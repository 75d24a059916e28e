"""The TextMate grammar of ``.arch`` text (VS Code and every editor that reads TextMate grammars),
built rule for rule from the Pygments lexer (``archspec.lexer``) and its word lists, so the two
highlighters cannot drift apart: ``SCOPES`` says which TextMate scope each Pygments token becomes, and
the tests tokenise the whole zoo with both and compare.

    python -m archspec.tmgrammar --write     # editors/vscode/syntaxes/archspec.tmLanguage.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, _TokenType

from archspec.expr import FUNCTIONS
from archspec.lexer import _END, _NAME, _WORDS
from archspec.lower import LOCAL_DOCS
from archspec.ops import COMBINATORS, OPS
from archspec.scaling import GREEK, KNOBS
from archspec.transform import SETTINGS

SCOPE = "source.archspec"
PATH = Path(__file__).resolve().parent.parent / "editors" / "vscode" / "syntaxes" / "archspec.tmLanguage.json"

# Pygments token → TextMate scope (the most specific token type listed wins).
SCOPES: dict[_TokenType, str] = {
    Comment.Single: "comment.line.number-sign.archspec",
    String.Double: "string.quoted.double.archspec",
    Keyword.Declaration: "storage.type.archspec",
    Keyword.Namespace: "keyword.other.section.archspec",
    Keyword.Reserved: "keyword.other.combinator.archspec",
    Keyword: "keyword.control.archspec",
    Name.Function: "entity.name.function.archspec",
    Name.Class: "entity.name.type.block.archspec",
    Name.Namespace: "entity.name.section.archspec",
    Name.Variable: "variable.other.definition.archspec",
    Name.Builtin.Pseudo: "variable.language.archspec",
    Name.Builtin: "support.function.archspec",
    Name.Constant: "constant.language.archspec",
    Name.Attribute: "variable.parameter.archspec",
    Name.Label: "entity.name.tag.variant.archspec",
    Name: "variable.other.archspec",
    Number.Float: "constant.numeric.float.archspec",
    Number.Integer: "constant.numeric.integer.archspec",
    Number: "constant.numeric.shape.archspec",
    Operator: "keyword.operator.archspec",
    Punctuation: "punctuation.archspec",
}


def scope_of(token: _TokenType) -> str | None:
    """The TextMate scope of a Pygments token type (None for whitespace and plain text)."""
    while token is not None:
        if token in SCOPES:
            return SCOPES[token]
        token = token.parent
    return None


def _words(items: Any, prefix: str = "", suffix: str = "") -> str:
    alts = "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w)))
    return f"{prefix}(?:{alts}){suffix}"


def _rule(match: str, *scopes: _TokenType) -> dict[str, Any]:
    """A match rule: one scope for the whole match, or one per capture group."""
    if len(scopes) == 1:
        return {"match": match, "name": SCOPES[scopes[0]]}
    return {"match": match, "captures": {str(i): {"name": SCOPES[t]} for i, t in enumerate(scopes, 1) if t in SCOPES}}


_WS = _TokenType()  # whitespace: no scope


def grammar() -> dict[str, Any]:
    """The grammar as JSON data."""
    root = [
        _rule(r"#.*$", Comment.Single),
        _rule(r'"[^"\n]*"', String.Double),
        _rule(rf"(network|block)([ \t]+)({_NAME})", Keyword.Declaration, _WS, Name.Function),
        _rule(rf"(stages)([ \t]+)({_NAME})", Keyword.Declaration, _WS, Name.Class),
        _rule(rf"(stage)([ \t]+)({_NAME})([ \t]*)(:)", Keyword.Namespace, _WS, Name.Namespace, _WS, Punctuation),
        _rule(rf"(let)([ \t]+)({_NAME})", Keyword.Declaration, _WS, Name.Variable),
        _rule(r"(input)([ \t]+)(\d+(?:x\d+)+)", Keyword.Declaration, _WS, Number),
        _rule(_words(("stem", "head"), suffix=r"(?=[ \t]*:)"), Keyword.Namespace),
        {"include": "#variants"},
        _rule(_words(SETTINGS, prefix="^", suffix=r"(?=[ \t]*:)"), Keyword.Declaration),
        _rule(_words(("network", "input", "let", "block", "stages", "stage", "variants"), prefix="^", suffix=_END),
              Keyword.Declaration),
        _rule(r"in(?=\.)", Name.Builtin.Pseudo),
        _rule(_words(("if", "elif", "else", "for", "in", "and", "or", "not"), suffix=_END), Keyword),
        _rule(rf"({_NAME})([ \t]*)(=)(?!=)", Name.Attribute, _WS, Operator),
        _rule(r"[a-z]\d+(?:\.\d+|x\d+)?(?![A-Za-z_0-9.])", Name.Attribute),
        _rule(r"\d+(?:x\d+)+(?![A-Za-z_0-9])", Number),
        _rule(_words(FUNCTIONS, suffix=r"(?=\s*\()"), Name.Builtin),
        _rule(_words(set(OPS) | {"linear"}, suffix=_END), Name.Builtin),
        _rule(_words(COMBINATORS, suffix=_END), Keyword.Reserved),
        _rule(_words(_WORDS, suffix=_END), Name.Constant),
        _rule(_words((*KNOBS, *GREEK, *LOCAL_DOCS), suffix=_END), Name.Builtin.Pseudo),
        _rule(_NAME, Name),
        _rule(r"(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+", Number.Float),
        _rule(r"\d+", Number.Integer),
        _rule(r"\*\*|//|==|!=|<=|>=|[<>+\-*/%]", Operator),
        _rule(r"[:;,.()\[\]=]", Punctuation),
    ]
    variants = {
        # `variants:` and the lines under it, up to the next line at the left margin: each starts
        # with a variant's name (`b0`, `11`, `16_bn`) and a colon.
        "begin": r"^(variants)([ \t]*)(:)",
        "beginCaptures": {"1": {"name": SCOPES[Keyword.Declaration]}, "3": {"name": SCOPES[Punctuation]}},
        "end": r"^(?=[^ \t\r\n#])",
        "patterns": [
            _rule(r"^([ \t]+)([A-Za-z_0-9\u0370-\u03ff]+)([ \t]*)(:)", _WS, Name.Label, _WS, Punctuation),
            {"include": "#root"},
        ],
    }
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "archspec",
        "scopeName": SCOPE,
        "fileTypes": ["arch"],
        "comment": "Generated by `python -m archspec.tmgrammar --write` from archspec's Pygments lexer; do not edit.",
        "patterns": [{"include": "#root"}],
        "repository": {"root": {"patterns": root}, "variants": variants},
    }


def text() -> str:
    return json.dumps(grammar(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help=f"write {PATH.name} (default: print it)")
    args = ap.parse_args(argv)
    if args.write:
        PATH.parent.mkdir(parents=True, exist_ok=True)
        PATH.write_text(text(), encoding="utf-8")
    else:
        sys.stdout.write(text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
