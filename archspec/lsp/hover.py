"""Hover: for an op or block call what it became (resolved arguments, shapes, params, MACs, layers);
for a block name its definition and doc comment; for settings, variants and the knobs α/ρ/φ what they
resolve to; for any other word of the language what it means."""

from __future__ import annotations

from typing import Any

from lsprotocol import types as lsp

from archspec import ir
from archspec.errors import SpecError
from archspec.lsp import anchors, blocks, explain, vocab
from archspec.lsp.find import Place, locate
from archspec.lsp.positions import Lines
from archspec.lsp.snapshot import Snapshot
from archspec.lsp.text import shape, value
from archspec.scaling import GREEK, SETTING_SCHEMAS, Config, resolve


def hover(snap: Snapshot, lines: Lines, pos: lsp.Position) -> lsp.Hover | None:
    """The hover at ``pos``: Markdown, over the word there."""
    no, col = lines.at(pos)
    word, start, end = lines.word(no, col)
    text = None
    if snap.spec is not None:
        text = _at(snap, lines, locate(snap.spec, lines, no, col), word, no, start)
    if text is None and word:
        b = blocks.find(snap, word)
        text = block_md(b) if b is not None else vocab.word_doc(word)
    if text is None:
        return None
    rng = lines.range(ir.Span(line=no, col=start, end_line=no, end_col=end)) if word else None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=rng)


def block_md(b: blocks.Block) -> str:
    """A block's definition: signature, where, doc comment and text."""
    doc = b.doc()
    return "\n".join([f"**block** `{blocks.signature(b.bdef)}` — {b.where}", *(["", doc] if doc else []),
                      "", "```arch", b.source(), "```"])


def _on_key(arg: ir.Arg | None, start: int) -> bool:
    return arg is not None and arg.key is not None and arg.span is not None and arg.span.col == start


def _at(snap: Snapshot, lines: Lines, place: Place, word: str, no: int, start: int) -> str | None:
    spec = snap.spec
    assert spec is not None
    a = anchors.of(snap)
    inner = place.inner
    if inner is None:
        if spec.name_span is not None and no == spec.name_span.line and a is not None and snap.complete:
            return explain.network(snap, a)
        if spec.input_span is not None and no == spec.input_span.line and snap.config is not None:
            return f"**input** {shape(spec.input)}, as analysed {shape(snap.config.input)}\n\n" + knobs_md(snap.config)
        return None
    if isinstance(inner, ir.Setting):
        return setting_md(snap, inner, place.arg)
    if isinstance(inner, ir.Variant):
        return variant_md(snap, inner)
    known = _name_value(snap, place, word, start)
    if known is not None:
        return known
    statement = inner.name if isinstance(inner, (ir.Call, ir.Compound)) else None
    if isinstance(inner, ir.Row) and isinstance(place.top, ir.Stages):
        statement = place.top.block
    if _on_key(place.arg, start) and statement is not None:
        return _arg_md(snap, statement, place.arg)
    if place.arg is not None and statement is not None and word and place.arg.key is not None:
        meaning = vocab.values_for(statement, place.arg.key).get(word)
        if meaning is not None:
            return f"`{word}`: {meaning}"
    return _statement_md(snap, lines, place, word, start, a)


def _statement_md(snap: Snapshot, lines: Lines, place: Place, word: str, start: int, a: anchors.Anchors | None) -> str | None:
    inner = place.inner
    if isinstance(inner, ir.Let):
        return _let_md(snap, inner)
    if isinstance(inner, ir.Row) and isinstance(place.top, ir.Stages):
        return explain.row(snap, a, place.top, inner) if a is not None else None
    if isinstance(inner, ir.Stages):
        b = blocks.find(snap, inner.block)
        return block_md(b) if b is not None else None
    if isinstance(inner, ir.BlockDef):
        return block_md(blocks.find(snap, inner.name) or blocks.Block(inner, False, lines))
    if isinstance(inner, ir.Section) and a is not None:
        return explain.section(a, inner)
    if not isinstance(inner, (ir.Call, ir.Compound)):
        return None
    on_name = inner.span is not None and start == inner.span.col and word == inner.name
    b = blocks.find(snap, inner.name) if isinstance(inner, ir.Call) and inner.name not in vocab.OPS else None
    if place.block is not None:  # inside a block's body: shapes differ per call; say what the word is
        if on_name and b is not None:
            return block_md(b)
        return vocab.word_doc(word) if word else None
    if a is None:
        return block_md(b) if b is not None else vocab.word_doc(inner.name)
    if b is not None and isinstance(inner, ir.Call):
        return explain.call(snap, a, inner)
    s = vocab.schema(inner.name)
    doc = vocab.describe(s.doc) if s is not None else ""
    return explain.statement(snap, a, lines, inner, doc)


def _arg_md(snap: Snapshot, statement: str, arg: Any) -> str | None:
    found = vocab.arg_doc(statement, arg.key)
    if found is not None:
        return vocab.describe_arg(*found)
    b = blocks.find(snap, statement)
    if b is None:
        return None
    p = next((p for p in b.bdef.params if p.name == arg.key), None)
    if p is None:
        return None
    return f"`{blocks.param(p)}`: a parameter of block `{blocks.signature(b.bdef)}`"


def _name_value(snap: Snapshot, place: Place, word: str, start: int) -> str | None:
    """A knob or a global variable in an argument's value: its value in the analysed version."""
    if not word or snap.config is None or place.arg is None or _on_key(place.arg, start) or place.block is not None:
        return None
    values = snap.config.globals.values
    if word not in values or word in ("in",):
        return None
    knob = GREEK.get(word, word)
    what = vocab.KNOB_DOCS.get(knob, "a global `let`")
    return f"`{word}` = {value(values[word])} — {what}"


def _let_md(snap: Snapshot, let: ir.Let) -> str:
    values = snap.config.globals.values if snap.config is not None else {}
    if let.name in values:
        return f"`let {let.name}` = {value(values[let.name])}" + (
            f" (variant `{snap.config.variant}`)" if snap.config and snap.config.variant else "")
    return f"`let {let.name}`"


def knobs_md(cfg: Config) -> str:
    """α, ρ, φ and what they resolve to: the width and depth multipliers in effect, the input."""
    k = cfg.knobs
    r = cfg.rounding
    return "\n".join([
        f"α = {value(k['alpha'])} · ρ = {value(k['rho'])} · φ = {value(k['phi'])}",
        "",
        f"→ width × {value(round(cfg.width_mult, 6))} · depth × {value(round(cfg.depth_mult, 6))} · "
        f"input {shape(cfg.input)}",
        "",
        f"widths round to multiples of {r.divisor} (min {r.min or r.divisor}, guard {value(r.guard)}, {r.mode}); "
        f"repeats round by {r.depth}",
    ])


def setting_md(snap: Snapshot, s: ir.Setting, arg: ir.Arg | None) -> str:
    """A settings line: what it is, the argument under the cursor, and what the knobs resolve to."""
    schema = SETTING_SCHEMAS.get(s.name)
    out = [f"**{s.name}:** — {vocab.synopsis(schema.doc)[1] or schema.doc}" if schema else f"**{s.name}:**"]
    if arg is not None and arg.key is not None:
        found = vocab.arg_doc(f"{s.name}:", arg.key)
        if found is not None:
            out += ["", vocab.describe_arg(*found)]
    cfg = snap.config
    if cfg is not None:
        if s.name == "defaults":
            out += ["", f"resolved: norm={cfg.norm} act={cfg.act} norm_eps={value(cfg.norm_eps)} "
                        f"norm_momentum={value(cfg.norm_momentum)}"]
        else:
            out += ["", knobs_md(cfg)]
        if cfg.variant:
            out += ["", f"(as analysed: variant `{cfg.variant}`)"]
    return "\n".join(out)


def variant_md(snap: Snapshot, v: ir.Variant) -> str:
    """A variant line: what its knobs and variables resolve to."""
    assert snap.spec is not None
    try:
        cfg = resolve(snap.spec, v.name)
    except SpecError as err:
        return f"**variant `{v.name}`**: {err.message}"
    lets = [f"{let.name}={value(cfg.globals.values[let.name])}" for let in snap.spec.lets if let.name in cfg.globals.values]
    analysed = " (the one analysed)" if snap.config is not None and snap.config.variant == v.name else ""
    out = [f"**variant `{v.name}`**{analysed}", "", knobs_md(cfg)]
    if lets:
        out += ["", "variables: `" + " ".join(lets) + "`"]
    return "\n".join(out)



