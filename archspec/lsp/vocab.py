"""The language's words and what each means, read from archspec's own definitions (the tables
docs/language.md is generated from): ops, combinators, settings, argument values, functions, knobs."""

from __future__ import annotations

import functools

from archspec.expr import FUNCTION_DOCS, ROUNDING_MODES
from archspec.layerops.act import ACTIVATIONS, ALIASES
from archspec.layerops.norm import NORMS
from archspec.layerops.upsample import MODES as UPSAMPLE_MODES
from archspec.lower import LOCAL_DOCS
from archspec.ops import COMBINATORS, OPS, ORDER_DOCS, SHORTCUT_DOCS, ArgDoc, OpSchema, synopsis
from archspec.scaling import GREEK, KNOB_DOCS, SETTING_SCHEMAS
from archspec.transform import SETTINGS, TOP_LEVEL_WORDS

KEYWORDS = ("if", "elif", "else", "for", "in", "and", "or", "not", "let")
ROUNDING_DOCS = {"round": "to the nearest multiple (halves up)", "floor": "down", "ceil": "up"}

# The values an argument takes, by the argument's key (the same in every op and setting that has it).
VALUES_BY_KEY = {
    "act": "activation",
    "kind": None,  # `act kind=…` or `norm kind=…`: depends on the op
    "norm": "norm",
    "shortcut_norm": "norm",
    "shortcut": "shortcut",
    "order": "order",
    "mode": None,  # `round: mode=…` or `upsample mode=…`
    "depth": None,  # `round: depth=…` only
    "gate": "activation",  # the prelude's SE gate
}


@functools.cache
def words() -> dict[str, dict[str, str]]:
    """Every vocabulary: its name → {word: what it means}."""
    acts = {k: f"`nn.{row.torch}`" for k, row in ACTIVATIONS.items()}
    acts.update({a: f"the same as `{t}`" for a, t in ALIASES.items()})
    acts["none"] = "no activation at all (no layer)"
    norms = {k: row.title for k, row in NORMS.items()}
    norms["none"] = "no norm at all (no layer)"
    return {
        "activation": acts,
        "norm": norms,
        "shortcut": dict(SHORTCUT_DOCS),
        "order": dict(ORDER_DOCS),
        "rounding": {m: ROUNDING_DOCS.get(m, m) for m in ROUNDING_MODES},
        "upsampling": {m: f"{m} interpolation" for m in UPSAMPLE_MODES},
    }


def values_for(statement: str, key: str) -> dict[str, str]:
    """The words an argument ``key`` of ``statement`` (an op, combinator, block or setting) takes."""
    if statement == "act" and key == "kind":
        return words()["activation"]
    if statement == "norm" and key == "kind":
        return words()["norm"]
    if statement in ("round", "round:") and key in ("mode", "depth"):
        return words()["rounding"]
    if statement == "upsample" and key == "mode":
        return words()["upsampling"]
    vocab = VALUES_BY_KEY.get(key)
    return words()[vocab] if vocab else {}


def schema(statement: str) -> OpSchema | None:
    """The argument schema of an op, a combinator or a setting (``defaults:``, ``round:``, …; a setting
    is named with its colon, as `scale:` the setting is not `scale` the combinator)."""
    if statement.endswith(":"):
        return SETTING_SCHEMAS.get(statement[:-1])
    return OPS.get(statement) or COMBINATORS.get(statement) or SETTING_SCHEMAS.get(statement)


def arg_doc(statement: str, key: str) -> tuple[str, ArgDoc] | None:
    """The canonical key and its documentation, for ``key`` (a key, an alias or a shorthand letter)."""
    s = schema(statement)
    if s is None:
        return None
    canon = s.aliases.get(key, key)
    doc = s.info.get(canon)
    return (canon, doc) if doc is not None else None


def describe_arg(canon: str, doc: ArgDoc) -> str:
    """An argument's documentation as one Markdown paragraph."""
    bits = [f"`{canon}` ({doc.type}): {doc.doc}"]
    if doc.default:
        bits.append(f"default {doc.default}")
    if doc.values:
        bits.append(f"values {doc.values}")
    return "; ".join(bits)


def describe(doc: str) -> str:
    """A schema's doc as Markdown: the synopsis as code, then what it is."""
    syn, what = synopsis(doc)
    return f"`{syn}`" + (f" — {what}" if what else "")


def word_doc(word: str) -> str | None:
    """What a word of the language is, for a hover that has nothing more specific to say."""
    if word in OPS:
        return f"**{word}** (op): {describe(OPS[word].doc)}"
    if word in COMBINATORS:
        return f"**{word}** (combinator): {describe(COMBINATORS[word].doc)}"
    if word in SETTINGS:
        return f"**{word}:** (setting): {describe(SETTING_SCHEMAS[word].doc)}"
    if word in FUNCTION_DOCS:
        sig, doc = FUNCTION_DOCS[word]
        return f"`{sig}`: {doc}"
    knob = GREEK.get(word, word)
    if knob in KNOB_DOCS:
        return f"**{word}** (knob): {KNOB_DOCS[knob]}"
    if word in LOCAL_DOCS:
        return f"**{word}**: {LOCAL_DOCS[word]}"
    for vocab, table in words().items():
        if word in table:
            return f"`{word}` ({vocab}): {table[word]}"
    if word in TOP_LEVEL_WORDS or word in KEYWORDS:
        return f"**{word}** (keyword)"
    return None
