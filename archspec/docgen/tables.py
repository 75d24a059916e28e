"""The reference's tables, read from the definitions: the op statements' and combinators' schemas
(``ops.py``), the settings (``scaling.py``), the builtins (``expr.py``), the names the lowering binds,
the vocabularies (``layerops``' activation and norm tables, the shortcut kinds), the prelude's blocks,
the op registry and the grammar. Nothing here is copied by hand: a definition changes, the page does.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from archspec import ir
from archspec.ops import synopsis

_ORDINAL = ("1st", "2nd", "3rd", "4th", "5th")


def _code(text: str) -> str:
    return f"`{text}`"


def _cell(text: str) -> str:
    """Text for a table cell: ``|`` escaped, reST's double backquotes as Markdown's single ones."""
    return text.replace("``", "`").replace("|", "\\|").replace("\n", " ")


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    return out + ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]


def _written(key: str, schema: object, short: bool = True) -> str:
    """How an argument may be written: by position, as a shorthand (``k3``), as ``key=``, as a bare flag."""
    positional, aliases, flags = schema.positional, schema.aliases, schema.flags  # type: ignore[attr-defined]
    names = [key, *(a for a, k in aliases.items() if k == key)]
    forms = []
    if key in positional:
        forms.append(f"{_ORDINAL[positional.index(key)]} word")
    if short:  # a shorthand is one lowercase ASCII letter and a number (the grammar's SHORT)
        forms += [_code(f"{n}N") for n in names if len(n) == 1 and "a" <= n <= "z"]
    forms += [_code(f"{n}=") for n in names]
    if key in flags:
        forms.append(f"bare {_code(key)}")
    if key == "mode" and flags:
        forms.append("bare " + " ".join(_code(f) for f in flags))
    return ", ".join(forms)


def _arg_rows(schema: object, short: bool = True) -> list[tuple[str, ...]]:
    info = schema.info  # type: ignore[attr-defined]
    rows = []
    for key in schema.keys:  # type: ignore[attr-defined]
        d = info[key]
        rows.append((_code(key), _written(key, schema, short), d.type, d.default or "required", d.values or "", d.doc))
    return rows


_ARG_HEAD = ("argument", "written", "type", "default", "values", "meaning")


def schema_section(schemas: dict[str, object], makes: dict[str, list[str]] | None = None) -> list[str]:
    """A heading, synopsis and argument table per op statement or combinator."""
    out: list[str] = []
    seen: dict[int, str] = {}
    for name, schema in schemas.items():
        if id(schema) in seen:  # `linear` is `fc` under another name
            out += [f"#### `{name}`", "", f"Another name for `{seen[id(schema)]}`.", ""]
            continue
        seen[id(schema)] = name
        syntax, what = synopsis(schema.doc)  # type: ignore[attr-defined]
        out += [f"#### `{name}`", "", f"`{syntax}`" + (f" — {what}" if what else ""), ""]
        if makes and makes.get(name):
            out += ["Layer-graph ops it makes: " + ", ".join(_code(m) for m in makes[name]) + ".", ""]
        if schema.keys:  # type: ignore[attr-defined]
            out += [*_table(_ARG_HEAD, _arg_rows(schema)), ""]
    return out


def settings() -> list[str]:
    from archspec.scaling import SETTING_SCHEMAS

    out: list[str] = []
    for name, schema in SETTING_SCHEMAS.items():
        _, what = synopsis(schema.doc)
        out += [f"#### `{name}:`", "", what[:1].upper() + what[1:] + ".", ""]
        out += [*_table(_ARG_HEAD, _arg_rows(schema, short=False)), ""]
    return out


def ops() -> list[str]:
    from archspec.ops import OPS

    return schema_section(dict(OPS), made_by())


def combinators() -> list[str]:
    from archspec.ops import COMBINATORS

    return schema_section(dict(COMBINATORS), made_by())


def vocabularies() -> list[str]:
    from archspec.layerops.act import ACTIVATIONS, ALIASES
    from archspec.layerops.norm import NORMS
    from archspec.layerops.upsample import MODES
    from archspec.ops import ORDER_DOCS, SHORTCUT_DOCS

    acts = [(_code(k), " ".join(_code(a) for a, t in ALIASES.items() if t == k), f"`nn.{row.torch}`")
            for k, row in ACTIVATIONS.items()]
    acts.append(("`none`", "", "no activation at all (no layer)"))
    norms = [(_code(k), row.title) for k, row in NORMS.items()] + [("`none`", "no norm at all (no layer)")]
    out = ["#### Activations (`act=`, `act KIND`)", "", *_table(("word", "also", "torch"), acts), ""]
    out += ["#### Norms (`norm=`, `norm KIND`)", "", *_table(("word", "what"), norms), ""]
    out += ["#### Shortcuts (`residual shortcut=`)", "", *_table(("word", "what is added"),
                                                                  [(_code(k), v) for k, v in SHORTCUT_DOCS.items()]), ""]
    out += ["#### Weight orders (`residual order=`)", "", *_table(("word", "order"),
                                                                   [(_code(k), v) for k, v in ORDER_DOCS.items()]), ""]
    out += ["#### Upsampling modes (`upsample S MODE`)", "", " ".join(_code(m) for m in MODES), ""]
    return out


def functions() -> list[str]:
    from archspec.expr import FUNCTION_DOCS

    return [*_table(("function", "call", "gives"), [(_code(k), _code(sig), doc) for k, (sig, doc) in FUNCTION_DOCS.items()]),
            ""]


def variables() -> list[str]:
    from archspec.lower import LOCAL_DOCS
    from archspec.scaling import GREEK, KNOB_DOCS

    greek = {v: k for k, v in GREEK.items()}
    rows = [(_code(k) + (f" `{greek[k]}`" if k in greek else ""), "everywhere", doc) for k, doc in KNOB_DOCS.items()]
    rows += [(_code(k), "where it is bound", doc) for k, doc in LOCAL_DOCS.items()]
    rows.append(("`true` `false`", "everywhere", "the booleans (a flag's value also takes `yes` / `no`)"))
    return [*_table(("name", "where", "value"), rows), ""]


def _prelude() -> tuple[ir.Spec, str]:
    from archspec.parse import parse

    text = (Path(__file__).parent.parent / "prelude.arch").read_text(encoding="utf-8")
    return parse(text, "prelude.arch"), text


def prelude() -> list[str]:
    """Each built-in block: its signature, its family (the prelude's ``# ---- Title ---`` header above it)
    and what the comments right above it say (else those under the header)."""
    from archspec.fmt import _param

    spec, text = _prelude()
    lines = text.split("\n")
    out: list[str] = []
    for b in spec.blocks:
        assert b.span is not None
        no, above = b.span.line - 1, []
        while no >= 1 and lines[no - 1].startswith("#") and not lines[no - 1].rstrip().endswith("---"):
            above.insert(0, lines[no - 1])
            no -= 1
        head = max((i for i in range(b.span.line - 1) if lines[i].startswith("# ----")), default=None)
        family, under = [], []
        if head is not None:
            i = head
            while not lines[i].rstrip().endswith("---") or i == head and lines[i].count("---") < 2:
                family.append(lines[i])
                i += 1
            family.append(lines[i])
            i += 1
            while lines[i].startswith("#"):
                under.append(lines[i])
                i += 1
        sig = f"block {b.name}({', '.join(_param(p) for p in b.params)})"
        out += [f"#### `{b.name}`", "", f"`{sig}`", ""]
        out += [f"*{' '.join(line.strip('#- ') for line in family)}*", ""] if family else []
        out += [" ".join(line[1:].strip() for line in above or under), ""]
    return out


# Beyond the registry's examples: a projection shortcut (its conv and norm are the residual's) and a
# TensorFlow-"same" conv that needs a pad first.
_EXTRAS = ["residual shortcut=projection:\n  conv 8 k3 s2", "conv 8 k3 s2 p=same"]


def made_by() -> dict[str, list[str]]:
    """Statement name (an op or a combinator) → the layer-graph ops it made in the registry's examples."""
    from archspec.layerops import all_ops
    from archspec.network import loads

    out: dict[str, list[str]] = {}
    for example in [op.example for op in all_ops().values()] + _EXTRAS:
        body = "\n".join("  " + line for line in example.splitlines())
        text = f"network example\ninput 8x8x8\nstem:\n{body}\n"
        net = loads(text, "example.arch")
        owner = {st.span: st.name for st in _statements(net.spec)}
        for node in net.graph.nodes:
            name = owner.get(node.span)
            name = "concat" if name == "branch" else name
            if name is not None and node.op not in out.setdefault(name, []):
                out[name].append(node.op)
    return out


def _statements(spec: ir.Spec) -> Iterator[ir.Call | ir.Compound]:
    def walk(stmts: list[object]) -> Iterator[ir.Call | ir.Compound]:
        for st in stmts:
            if isinstance(st, (ir.Call, ir.Compound)):
                yield st
            if isinstance(st, ir.Compound):
                yield from walk(st.body)
            if isinstance(st, ir.If):
                for br in st.branches:
                    yield from walk(br.body)

    for part in spec.parts:
        if isinstance(part, ir.Section):
            yield from walk(part.body)


def layer_ops() -> list[str]:
    """The op registry: what ``--per-layer`` lists and every backend reads."""
    from archspec.layerops import all_ops

    makes = made_by()
    rows = []
    for name, op in all_ops().items():
        doc = sys.modules[type(op).__module__].__doc__ or ""
        para = " ".join(doc.strip().split("\n\n")[0].split())
        para = re.sub(r"^``[a-z]+``( and ``[a-z]+``)?: ", "", para)
        by = sorted(k for k, v in makes.items() if name in v)
        rows.append((_code(name), op.kind, " ".join(_code(f) for f in op.Attrs._fields), " ".join(_code(b) for b in by), para))
    return [*_table(("op", "kind", "attributes", "made by", "what"), rows), ""]


def grammar() -> list[str]:
    text = (Path(__file__).parent.parent / "grammar.lark").read_text(encoding="utf-8")
    return ["```lark", *text.rstrip("\n").split("\n"), "```", ""]


SECTIONS: dict[str, Callable[[], list[str]]] = {
    "settings": settings,
    "ops": ops,
    "combinators": combinators,
    "vocabularies": vocabularies,
    "functions": functions,
    "variables": variables,
    "prelude": prelude,
    "layer-ops": layer_ops,
    "grammar": grammar,
}
