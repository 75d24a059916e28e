"""Completion, read from the text around the cursor (so it works while the document does not parse):
top-level words and settings, zoo names after ``network``, ops, combinators and blocks (with their
parameters) at a statement's start, argument names after one, and the allowed values after ``key=``
(norm kinds, activations, shortcut kinds, rounding modes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types as lsp

from archspec.expr import FUNCTION_DOCS
from archspec.lsp import blocks, vocab
from archspec.lsp.positions import Lines
from archspec.lsp.snapshot import Snapshot
from archspec.ops import COMBINATORS, OPS, OpSchema
from archspec.parse import code
from archspec.scaling import KNOB_DOCS, SETTING_SCHEMAS
from archspec.transform import SETTINGS

_HEADERS = {"network": "network NAME \"description\"", "input": "input CxHxW", "let": "let NAME = EXPR",
            "block": "block NAME(PARAMS):", "stages": "stages BLOCK(ARGS):", "stage": "stage NAME:",
            "stem": "stem:", "head": "head:", "variants": "variants:"}
_STATEMENT_WORDS = {"let": "let NAME = EXPR", "if": "if TEST:", "elif": "elif TEST:", "else": "else:"}
_TAIL = re.compile(r"[A-Za-z_0-9\u0370-\u03ff]*$")
_K = lsp.CompletionItemKind


@dataclass
class Context:
    """Where the cursor is: the enclosing top-level line, and the statement being written."""

    top: str  # the first word of the enclosing top-level line ("" on a top-level line, unless a setting's)
    header: str  # that line's code
    words: list[str]  # the statement's words before the one being typed
    typed: str  # the word being typed
    key: str | None  # the argument whose value is being typed (`act=` → "act")
    indent: int


_KEY = re.compile(r"(?<![=!<>])([A-Za-z_\u0370-\u03ff][A-Za-z_0-9\u0370-\u03ff]*)\s*=\s*$")


def context(lines: Lines, no: int, col: int) -> Context | None:
    """Read the context at (``no``, ``col``); None inside a comment or a string."""
    line = lines.line(no)
    before = line[: col - 1]
    if code(before) != before.rstrip() or before.count('"') % 2:
        return None
    typed = _TAIL.search(before).group(0)  # type: ignore[union-attr]
    head = before[: len(before) - len(typed)]
    key = _KEY.search(head)
    statement = head.split(";")[-1]
    if ":" in statement:  # a header with its body on its line: `stem: conv 16 k3`, `defaults: act=…`, `b0: width=…`
        statement = statement.rsplit(":", 1)[1]
    indent = len(line) - len(line.lstrip(" "))
    top, header = "", ""
    if indent > 0:
        for up in range(no - 1, 0, -1):
            text = code(lines.line(up))
            if text and not text[0].isspace():
                top, header = re.split(r"[\s:(]", text, maxsplit=1)[0], text
                break
    elif ":" in head and head.split(":")[0].strip() in SETTINGS:
        top, header = head.split(":")[0].strip(), head
    return Context(top, header, statement.split(), typed, key.group(1) if key else None, indent)


def complete(snap: Snapshot, lines: Lines, pos: lsp.Position) -> list[lsp.CompletionItem]:
    """The completion items at ``pos`` (``snap``: the document's last version that parsed)."""
    no, col = lines.at(pos)
    ctx = context(lines, no, col)
    if ctx is None:
        return []
    if ctx.top == "" and ctx.indent == 0 and not ctx.words:
        return _top_level()
    if ctx.top == "" and ctx.words[:1] == ["network"] and len(ctx.words) == 1:
        return _zoo()
    if ctx.top == "" and ctx.words[:1] == ["stages"] and len(ctx.words) == 1:
        return _blocks(snap)
    if ctx.top in SETTINGS:
        return _arguments(ctx, f"{ctx.top}:", snap)
    if ctx.top == "variants":
        if ctx.key is not None:
            return _values("", ctx.key, snap)
        return _variant_keys(snap) if ":" in lines.line(no)[: col - 1] else []
    if ctx.top == "stages" and ctx.indent > 0:
        table = re.match(r"stages\s+(\w+)", ctx.header)
        if not ctx.words:
            rows = _item("for", _K.Keyword, "for NAMES in LIST: ARGS")
            return [*_table_params(snap, table.group(1) if table else ""), *_ops(), rows]
        if ctx.words[0] in OPS:
            return _arguments(ctx, ctx.words[0], snap)
        if ctx.key is not None:
            return _values(table.group(1) if table else "", ctx.key, snap)
        return _table_params(snap, table.group(1) if table else "")
    if not ctx.words:
        return [*_ops(), *_combinators(), *_blocks(snap), *(_item(w, _K.Keyword, d) for w, d in _STATEMENT_WORDS.items())]
    return _arguments(ctx, ctx.words[0], snap)


def _item(label: str, kind: lsp.CompletionItemKind, detail: str = "", doc: str = "", insert: str | None = None,
          sort: str | None = None) -> lsp.CompletionItem:
    return lsp.CompletionItem(
        label=label, kind=kind, detail=detail or None, insert_text=insert, sort_text=sort,
        documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=doc) if doc else None)


def _top_level() -> list[lsp.CompletionItem]:
    out = [_item(w, _K.Keyword, d, insert=w + (":" if d.endswith(":") and " " not in d else " ")) for w, d in _HEADERS.items()]
    out += [_item(s, _K.Keyword, f"{s}: KEY=VALUE …", vocab.describe(SETTING_SCHEMAS[s].doc), insert=f"{s}: ") for s in SETTINGS]
    return out


def _zoo() -> list[lsp.CompletionItem]:
    from archspec import zoo

    return [_item(e.name, _K.Module, f"zoo: {e.spec}" + (f":{e.variant}" if e.variant else "")) for e in zoo.entries()]


def _ops() -> list[lsp.CompletionItem]:
    return [_item(name, _K.Function, vocab.synopsis(s.doc)[0], vocab.describe(s.doc)) for name, s in OPS.items()]


def _combinators() -> list[lsp.CompletionItem]:
    return [_item(name, _K.Keyword, vocab.synopsis(s.doc)[0] + ":", vocab.describe(s.doc)) for name, s in COMBINATORS.items()]


def _blocks(snap: Snapshot) -> list[lsp.CompletionItem]:
    return [_item(b.name, _K.Class, blocks.signature(b.bdef), f"{b.doc()}\n\n{b.where}".strip()) for b in blocks.every(snap)]


def _table_params(snap: Snapshot, block: str) -> list[lsp.CompletionItem]:
    b = blocks.find(snap, block)
    params = [_item(p.name, _K.Property, blocks.param(p), f"a parameter of `{blocks.signature(b.bdef)}`", insert=p.name + "=")
              for p in b.bdef.params] if b else []
    extra = [_item("x", _K.Property, "xN: the stage's number of blocks", insert="x="),
             _item("s", _K.Property, "sN: the stride of its first block", insert="s=")]
    return params + [e for e in extra if e.label not in {p.label for p in params}]


def _variant_keys(snap: Snapshot) -> list[lsp.CompletionItem]:
    out = [_item(k, _K.Property, "knob", d, insert=k + "=") for k, d in KNOB_DOCS.items()]
    if snap.spec is not None:
        out += [_item(let.name, _K.Variable, "a `let` of the spec", insert=let.name + "=") for let in snap.spec.lets]
    return out


def _arguments(ctx: Context, statement: str, snap: Snapshot) -> list[lsp.CompletionItem]:
    """After a statement's name: its argument names; after ``key=``: the key's allowed values."""
    if ctx.key is not None:
        return _values(statement, ctx.key, snap)
    if statement in ("act", "norm") and len(ctx.words) == 1:
        return _values(statement, "kind", snap)
    if statement == "upsample" and len(ctx.words) == 2:
        return _values(statement, "mode", snap)
    s = vocab.schema(statement)
    if s is not None:
        given = _given(s, ctx.words[1:])
        out = [_item(k, _K.Property, s.info[k].type, vocab.describe_arg(k, s.info[k]), insert=k + "=") if k in s.info
               else _item(k, _K.Property, insert=k + "=") for k in s.keys if k not in given and k not in s.flags]
        out += [_item(f, _K.EnumMember, "flag", vocab.describe_arg(f, s.info[f]) if f in s.info else "") for f in s.flags]
        return out
    b = blocks.find(snap, statement)
    if b is not None:
        return [_item(p.name, _K.Property, blocks.param(p), f"a parameter of `{blocks.signature(b.bdef)}`", insert=p.name + "=")
                for p in b.bdef.params]
    return []


_SHORT = re.compile(r"[a-z]\d+(\.\d+|x\d+)?")


def _given(s: OpSchema, words: list[str]) -> set[str]:
    """The keys the words already give: ``key=…``, shorthands (``k3``), flags and positional arguments."""
    out: set[str] = set()
    positional = iter(s.positional)
    for w in words:
        if "=" in w:
            key: str | None = w.split("=")[0]
        elif _SHORT.fullmatch(w):
            key = w[0]
        elif w in s.flags:
            key = w
        else:
            key = next(positional, None)
        if key:
            out.add(s.aliases.get(key, key))
    return out


def _values(statement: str, key: str, snap: Snapshot) -> list[lsp.CompletionItem]:
    canon = vocab.arg_doc(statement, key)
    words = vocab.values_for(statement, canon[0] if canon else key)
    if words:
        return [_item(w, _K.EnumMember, key, d) for w, d in words.items()]
    out = [_item(f, _K.Function, sig, d, insert=f + "(") for f, (sig, d) in FUNCTION_DOCS.items()]
    out += [_item(k, _K.Variable, "knob", d) for k, d in KNOB_DOCS.items()]
    if snap.spec is not None:
        out += [_item(let.name, _K.Variable, "let") for let in snap.spec.lets]
    out.append(_item("in", _K.Variable, "the input's shape", "`in.c`, `in.h`, `in.w`"))
    return out
