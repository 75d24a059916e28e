"""A Pygments lexer for ``.arch`` specs: ``pygmentize -l archspec``, Sphinx's and MkDocs' code blocks
(```` ```arch ````) and Jupyter pick it up through the ``pygments.lexers`` entry point.

Every token of the grammar (archspec/grammar.lark) has a rule, and the word lists come from the
definitions (ops, combinators, settings, sections, builtins, knobs, activations, norms, shortcuts),
so a word the language learns is highlighted without an edit here.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

from archspec.expr import FUNCTIONS, ROUNDING_MODES
from archspec.layerops.upsample import MODES as UPSAMPLE_MODES
from archspec.lower import LOCAL_DOCS
from archspec.ops import ACTIVATIONS, COMBINATORS, NORMS, OPS, ORDERS, SHORTCUTS
from archspec.scaling import GREEK, KNOBS
from archspec.transform import SETTINGS

_NAME = r"[A-Za-z_\u0370-\u03ff][A-Za-z_0-9\u0370-\u03ff]*"
_END = r"(?![A-Za-z_0-9\u0370-\u03ff])"  # a word ends here
_FLAGS = sorted({f for s in OPS.values() for f in s.flags})
# Vocabulary words (`ceil` and `round` are functions too: the function rule, which wants a `(`, comes first).
_WORDS = sorted({*ACTIVATIONS, *NORMS, *SHORTCUTS, *ORDERS, *UPSAMPLE_MODES, *ROUNDING_MODES, "true", "false", "yes", "no",
                 *_FLAGS})




def vocabulary() -> dict[str, list[str]]:
    """The word lists this lexer highlights, by kind: the explorer's code editor highlights the same words."""
    return {
        "ops": sorted(set(OPS) | {"linear"}),
        "combinators": sorted(COMBINATORS),
        "constants": list(_WORDS),
        "functions": sorted(FUNCTIONS),
        "settings": list(SETTINGS),
        "pseudo": sorted({*KNOBS, *GREEK, *LOCAL_DOCS}),
    }


class ArchspecLexer(RegexLexer):
    """The archspec language (``.arch``): CNN architectures as text."""

    name = "archspec"
    aliases: ClassVar[list[str]] = ["archspec", "arch"]
    filenames: ClassVar[list[str]] = ["*.arch"]
    mimetypes: ClassVar[list[str]] = ["text/x-archspec"]

    tokens: ClassVar[dict[str, Any]] = {
        "root": [
            (r"[ \t\f]+", Whitespace),
            (r"\\[ \t\f]*\r?\n", Text),  # a line continued
            (r"\r?\n", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"[^"\n]*"', String.Double),
            # declarations: what they name
            (rf"(network|block)([ \t]+)({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (rf"(stages)([ \t]+)({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (rf"(stage)([ \t]+)({_NAME})([ \t]*)(:)",
             bygroups(Keyword.Namespace, Whitespace, Name.Namespace, Whitespace, Punctuation)),
            (rf"(let)([ \t]+)({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Variable)),
            (r"(input)([ \t]+)(\d+(?:x\d+)+)", bygroups(Keyword.Declaration, Whitespace, Number)),
            (words(("stem", "head"), suffix=r"(?=[ \t]*:)"), Keyword.Namespace),
            (r"^(variants)([ \t]*)(:)", bygroups(Keyword.Declaration, Whitespace, Punctuation), "variants"),
            (words(SETTINGS, prefix=r"^", suffix=r"(?=[ \t]*:)"), Keyword.Declaration),
            (words(("network", "input", "let", "block", "stages", "stage", "variants"), prefix=r"^", suffix=_END),
             Keyword.Declaration),
            (r"in(?=\.)", Name.Builtin.Pseudo),  # `in.c`: the input's shape
            (words(("if", "elif", "else", "for", "in", "and", "or", "not"), suffix=_END), Keyword),
            # arguments: `key=` (not `==`), and shorthands `k3`, `k1x7`, `e1.5`
            (rf"({_NAME})([ \t]*)(=)(?!=)", bygroups(Name.Attribute, Whitespace, Operator)),
            (r"[a-z]\d+(?:\.\d+|x\d+)?(?![A-Za-z_0-9.])", Name.Attribute),
            (r"\d+(?:x\d+)+(?![A-Za-z_0-9])", Number),  # a shape
            # words the language knows
            (words(tuple(FUNCTIONS), suffix=r"(?=\s*\()"), Name.Builtin),
            (words(tuple(sorted(set(OPS) | {"linear"})), suffix=_END), Name.Builtin),
            (words(tuple(COMBINATORS), suffix=_END), Keyword.Reserved),
            (words(tuple(_WORDS), suffix=_END), Name.Constant),
            (words((*KNOBS, *GREEK, *LOCAL_DOCS), suffix=_END), Name.Builtin.Pseudo),
            (_NAME, Name),
            # numbers
            (r"(\d+\.\d*|\.\d+)([eE][+-]?\d+)?|\d+[eE][+-]?\d+", Number.Float),
            (r"\d+", Number.Integer),
            # operators and punctuation
            (r"\*\*|//|==|!=|<=|>=|[<>+\-*/%]", Operator),
            (r"[:;,.()\[\]=]", Punctuation),
        ],
        # The lines under `variants:`, up to the next line at the left margin: each starts with a name
        # (a word, a shorthand-like word `b0`, a number `11`, digits and a word `16_bn`) and a colon.
        "variants": [
            (r"^(?=[^ \t\r\n#])", Text, "#pop"),
            (r"^([ \t]+)([A-Za-z_0-9\u0370-\u03ff]+)([ \t]*)(:)", bygroups(Whitespace, Name.Label, Whitespace, Punctuation)),
            include("root"),
        ],
    }

