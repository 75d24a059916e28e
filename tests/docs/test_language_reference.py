"""docs/language.md: its generated tables and outputs agree with archspec, its examples run, and it
covers everything the zoo and the prelude use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import archspec
from archspec import docgen, ir
from archspec.docgen.examples import arch_examples, failing
from archspec.lower import LOCAL_DOCS
from archspec.network import prelude
from archspec.ops import ACTIVATIONS, COMBINATORS, NORMS, OPS, ORDERS, SHORTCUTS, OpSchema
from archspec.parse import parse
from archspec.scaling import GREEK, KNOBS, SETTING_SCHEMAS

ROOT = Path(__file__).resolve().parents[2]
PAGE_PATH = ROOT / "docs" / "language.md"
PAGE = PAGE_PATH.read_text(encoding="utf-8")
SPECS = sorted((ROOT / "specs").glob("*.arch"))
PRELUDE = ROOT / "archspec" / "prelude.arch"
EXAMPLES = arch_examples(PAGE)
BAD = failing(PAGE)


def test_the_generated_tables_and_outputs_are_up_to_date() -> None:
    changes = docgen.diff(PAGE)
    assert not changes, f"docs/language.md disagrees with archspec; run `python -m archspec.docgen --write`:\n{changes}"


def test_a_stale_page_is_caught() -> None:
    stale = PAGE.replace("| `k` |", "| `kk` |", 1).replace("175,258 params", "175,259 params", 1)
    assert stale != PAGE and docgen.diff(stale).count("\n+") >= 2
    assert docgen.main([str(PAGE_PATH), "--check"]) == 0


def test_examples_are_whole_specs_with_their_own_names() -> None:
    names = [e.file for e in EXAMPLES]
    assert len(EXAMPLES) >= 20 and None not in names and len(set(names)) == len(names)
    assert BAD and BAD <= set(names), "every error shown is an example's"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.file or str(e.line) for e in EXAMPLES])
def test_every_example_analyses_or_fails_as_the_page_says(example: Any) -> None:
    if example.file in BAD:
        with pytest.raises(archspec.SpecError):
            archspec.loads(example.text, example.file)
        return
    net = archspec.loads(example.text, example.file)
    assert net.params > 0 and net.macs > 0 and net.layers


def _example(name: str, **overrides: float) -> archspec.Network:
    text = next(e.text for e in EXAMPLES if e.file == f"{name}.arch")
    return archspec.loads(text, f"{name}.arch", overrides=overrides)


def test_the_numbers_in_the_prose() -> None:
    """The widths the scaling section works out by hand, and the block counts it states."""
    half = _example("scaled", alpha=0.5)
    assert half.stages[0].info["widths"] == [16, 16, 24, 64]  # 32 → 16, a name, 48 → 24, fixed(64)
    assert [s.info.get("c") for s in half.stages[1:3]] == [16, 24]  # 24 → 12 → 16, 40 → 20 → 24
    deep = _example("scaled", depth=1.5, rho=0.5)
    assert [s.info["repeats"] for s in deep.stages[1:3]] == [3, 3] and deep.input == (3, 16, 16)
    inputs = _example("inputs")
    assert [s.info["widths"] for s in inputs.stages] == [[16, 24], [48], [48, 10]]
    drops = [n.attrs.p for n in _example("drops").graph.nodes if n.op == "droppath"]
    assert drops == [0.125, 0.25, 0.375]  # blocks 1, 2 and 3 of 4 (block 0's rate is 0: no drop path)
    table = _example("table")
    assert [s.name for s in table.stages] == ["stem", "stage1", "stage2", "maxpool1", "stage3", "stage4", "head"]


# ---- coverage: what the zoo and the prelude use is in the reference ----------------------------


def _documented() -> set[tuple[str, ...]]:
    """(section, heading, word) for every code word heading a row of a generated table, (section, heading)
    for every generated heading, and ("code", word) for every code span on the page."""
    out: set[tuple[str, ...]] = {("code", w) for w in re.findall(r"`([^`\n]+)`", PAGE)}
    section = heading = ""
    for line in PAGE.split("\n"):
        if m := re.match(r"<!-- generated: ([\w-]+) -->", line):
            section, heading = m.group(1), ""
        elif line.startswith("<!-- end generated"):
            section = ""
        elif section and (m := re.match(r"#### `([^`]+)`", line)):
            heading = m.group(1).rstrip(":")
            out.add((section, heading))
        elif section and line.startswith("| `"):
            for word in re.findall(r"`([^`]+)`", line.split(" | ")[0]):
                out.add((section, heading, word))
                out.add((section, "", word))
        elif section == "prelude" and line.startswith("`block "):
            out.update(("prelude", heading, p) for p in re.findall(r"[(,] ?(\w+)", line))
    return out


VOCABULARY = {*ACTIVATIONS, *NORMS, *SHORTCUTS, *ORDERS}  # the words of the vocabularies' tables
BUILTIN_NAMES = {*KNOBS, *GREEK, *LOCAL_DOCS, "true", "false"}


def _key(schema: OpSchema, arg: ir.Arg, position: int) -> str:
    if arg.key is not None:
        return schema.aliases.get(arg.key, arg.key)
    if isinstance(arg.value, ir.Name) and arg.value.id in schema.flags:
        return arg.value.id
    return schema.positional[position]


def _fields(node: Any) -> Iterator[Any]:
    if isinstance(node, list):
        for x in node:
            yield from _fields(x)
    elif isinstance(node, ir.Node):
        yield node
        for name in ir.field_names(type(node)):
            yield from _fields(getattr(node, name))


def _used(spec: ir.Spec, builtin_blocks: set[str]) -> set[tuple[str, ...]]:
    """What a spec uses, as the reference's (section, heading, word) triples."""
    used: set[tuple[str, ...]] = set()

    def args(section: str, name: str, schema: OpSchema, given: list[ir.Arg], spelled: bool = True) -> None:
        """The statement, each argument's key, and (``spelled``) each alias or shorthand as written."""
        used.add((section, name))
        pos = 0
        for a in given:
            key = _key(schema, a, pos)
            pos += a.key is None and key in schema.positional
            used.add((section, name, key))
            if spelled and a.key is not None:
                used.add(("code", f"{a.key}N" if a.short else f"{a.key}="))

    for s in spec.settings:
        args("settings", s.name, SETTING_SCHEMAS[s.name], s.args)
    for node in _fields(spec):
        if isinstance(node, ir.Call) and node.name in OPS:
            args("ops", node.name, OPS[node.name], node.args)
        elif isinstance(node, ir.Compound):
            args("combinators", node.name, COMBINATORS[node.name], node.args)
        elif isinstance(node, ir.Call) and node.name in builtin_blocks:
            params = tuple(p.name for p in prelude()[node.name].params)
            args("prelude", node.name, OpSchema(positional=params, keys=params), node.args, spelled=False)
        elif isinstance(node, ir.Func):
            used.add(("functions", "", node.fn))
        elif isinstance(node, ir.Attr):
            used.add(("variables", "", node.obj))
        elif isinstance(node, ir.Name) and node.id in BUILTIN_NAMES:
            used.add(("variables", "", GREEK.get(node.id, node.id)))
        elif isinstance(node, ir.Name) and node.id in VOCABULARY:
            used.add(("vocabularies", "", node.id))
    for part in spec.parts:
        if isinstance(part, ir.Stages):
            used.add(("code", "stages BLOCK(ARGS):"))
            if part.block in builtin_blocks:
                params = tuple(p.name for p in prelude()[part.block].params)
                schema = OpSchema(positional=params, keys=params)
                args("prelude", part.block, schema, part.args, spelled=False)
            for row in part.rows:
                op = row.args[0].value.id if row.args and isinstance(row.args[0].value, ir.Name) else None
                if op in OPS:
                    args("ops", op, OPS[op], row.args[1:])
                elif part.block in builtin_blocks:
                    args("prelude", part.block, schema, [a for a in row.args if a.key != "x"], spelled=False)
                used.update([("code", "xN")] if any(a.key == "x" for a in row.args) else [])
                used.update([("code", "for NAMES in LIST: ARGS")] if row.each is not None else [])
        else:
            used.add(("code", f"{part.name}:" if part.name in ("stem", "head") else "stage NAME:"))
    for v in spec.variants:
        used.add(("code", "variants:"))
        used.update(("variables", "", GREEK.get(a.key, a.key)) for a in v.args if a.key in KNOBS or a.key in GREEK)
    return used


def _all_used() -> set[tuple[str, ...]]:
    builtin = set(prelude())
    used = _used(parse(PRELUDE.read_text(encoding="utf-8"), "prelude.arch"), builtin)
    for path in SPECS:
        used |= _used(parse(path.read_text(encoding="utf-8"), str(path)), builtin - {b.name for b in parse(
            path.read_text(encoding="utf-8"), str(path)).blocks})
    return used


def test_everything_the_zoo_and_the_prelude_use_is_in_the_reference() -> None:
    used = _all_used()
    kinds = {u[0] for u in used}
    assert {"ops", "combinators", "settings", "functions", "variables", "vocabularies", "prelude", "code"} <= kinds
    assert ("ops", "conv", "k") in used and ("variables", "", "block_index") in used and ("functions", "", "runs") in used
    missing = sorted(used - _documented())
    assert not missing, f"used in specs/ or the prelude but not in docs/language.md: {missing}"


def test_every_keyword_of_the_grammar_is_in_the_reference() -> None:
    grammar = (ROOT / "archspec" / "grammar.lark").read_text(encoding="utf-8")
    keywords = set(re.findall(r'"([a-z]+)"', grammar))
    assert {"network", "stages", "variants", "for", "elif"} <= keywords
    assert not sorted(k for k in keywords if ("code", k) not in _documented())
