"""What a statement, block call, stage-table row or the network became, as Markdown for a hover:
resolved arguments, input and output shapes, parameters, MACs and the layers."""

from __future__ import annotations

from typing import Any

from archspec import ir
from archspec.graph import Node, Scope
from archspec.lsp import blocks
from archspec.lsp.anchors import Anchors
from archspec.lsp.positions import Lines
from archspec.lsp.snapshot import Snapshot
from archspec.lsp.text import config, exact, shape, value

MAX_ROWS = 40  # layers listed in one hover


def _attrs(n: Node) -> str:
    """A layer's resolved attributes: ``conv in_c=3 out_c=64 k=7 s=2 p=3 d=1 g=1 bias=false``."""
    fields = {k: v for k, v in n.attrs._asdict().items() if v is not None}
    return " ".join([n.op, *(f"{k}={value(v)}" for k, v in fields.items())])


def _table(nodes: list[Node], prefix: str = "", full: bool = False) -> list[str]:
    """The layers as a Markdown table: path, what, output shape, params, MACs."""
    out = ["| layer | what | output | params | MACs |", "|---|---|---|--:|--:|"]
    for n in nodes[:MAX_ROWS]:
        path = n.name[len(prefix) + 1:] if prefix and n.name.startswith(prefix + ".") else n.name
        what = _attrs(n) if full else n.defn.label(n.attrs, None)
        out.append(f"| `{path}` | {what} | {shape(n.out)} | {n.params:,} | {n.macs:,} |")
    if len(nodes) > MAX_ROWS:
        out.append(f"| … {len(nodes) - MAX_ROWS} more | | | | |")
    return out


def _flow(a: Anchors, nodes: list[Node]) -> str:
    """``3×224×224 → 64×112×112 · 9,536 params · 118,013,952 MACs``."""
    params, macs = sum(n.params for n in nodes), sum(n.macs for n in nodes)
    return f"**{shape(a.input_of(nodes))} → {shape(nodes[-1].out)}** · {exact(params, macs)}"


def statement(snap: Snapshot, a: Anchors, lines: Lines, st: Any, doc: str) -> str | None:
    """An op statement or a combinator in a section: what it made."""
    if isinstance(st, ir.Compound):
        last = lines.last_line(st.span) if st.span else 0
        spans = [s for s in a.nodes if st.span and st.span.line <= s.line <= last]
        nodes = sorted((n for s in spans for n in a.nodes[s]), key=lambda n: n.id)
    else:
        nodes = a.nodes.get(st.span, []) if st.span else []
    head = f"**{st.name}** — {doc}" if doc else f"**{st.name}**"
    if not nodes:
        return head + "\n\n(not lowered: " + ("an error comes first)" if snap.error else "no layers)")
    out = [head, "", _flow(a, nodes), "", *_table(nodes, full=isinstance(st, ir.Call))]
    return "\n".join(out)


def call(snap: Snapshot, a: Anchors, st: ir.Call) -> str | None:
    """A block call in a section: its resolved arguments, what it became, its layers."""
    scopes = a.calls.get(st.span, []) if st.span else []
    b = blocks.find(snap, st.name)
    head = f"**{st.name}** — block `{blocks.signature(b.bdef)}`, {b.where}" if b else f"**{st.name}**"
    if not scopes:
        return head + "\n\n(not lowered: an error comes first)"
    return "\n".join([head, *_calls(a, scopes)])


def _calls(a: Anchors, scopes: list[Scope]) -> list[str]:
    first = scopes[0]
    nodes = a.subtree(first)
    out = ["", f"resolved: `{config(first.info)}`" if first.info else "resolved: no arguments", ""]
    if not nodes:
        return [*out, "(no layers)"]
    out.append(_flow(a, nodes))
    if len(scopes) > 1:
        params = sum(n.params for s in scopes for n in a.subtree(s))
        out.append(f"\n{len(scopes)} calls: {params:,} params in all")
    out += ["", f"`{first.name}` becomes:", "", *_table(nodes, first.name)]
    return out


def row(snap: Snapshot, a: Anchors, table: ir.Stages, r: ir.Row) -> str:
    """A stage-table row: the stage(s) it made, its blocks and the first block's layers."""
    stages = a.stages.get(r.span, []) if r.span else []
    if not stages:
        return f"stage of `{table.block}` blocks\n\n(not lowered: " + ("an error comes first)" if snap.error else "no layers)")
    out: list[str] = []
    for st in stages[:8]:
        kids = [a.graph.scopes[c] for c in st.children]
        calls = [k for k in kids if k.kind == "block"]
        t = a.totals.get(st.name)
        n = st.info.get("repeats")
        what = f"{n} × `{st.info['block']}`" if "block" in st.info else f"`{st.info.get('op', table.block)}`"
        out += [f"**{st.name}** — {what}", ""]
        out.append(f"resolved: `{config(st.info)}`" if config(st.info) else "")
        nodes = [m for k in (calls or [st]) for m in a.subtree(k)]
        if nodes and t is not None:
            out += ["", f"**{shape(a.input_of(nodes))} → {shape(t.out)}** · {exact(t.params, t.macs)}", ""]
        for c in calls[:12]:
            sub = a.subtree(c)
            if sub:
                out.append(f"- `{c.name}` → {shape(sub[-1].out)} · {exact(sum(x.params for x in sub), sum(x.macs for x in sub))}")
        if len(calls) > 12:
            out.append(f"- … {len(calls) - 12} more")
        if calls:
            out += ["", f"`{calls[0].name}` becomes:", "", *_table(a.subtree(calls[0]), calls[0].name), ""]
    if len(stages) > 8:
        out.append(f"… {len(stages) - 8} more stages")
    return "\n".join(out).rstrip()


def section(a: Anchors, part: ir.Section) -> str | None:
    """A section header: the stage's output and totals."""
    st = (a.stages.get(part.span) or [None])[0] if part.span else None
    t = a.totals.get(st.name) if st else None
    if st is None or t is None:
        return None
    info = f"\n\nresolved: `{config(st.info)}`" if config(st.info) else ""
    blocks_called = f"\n\nblocks: {st.info['blocks']}" if "blocks" in st.info else ""
    return f"**{st.name}** — {t.layers} layers → {shape(t.out)} · {exact(t.params, t.macs)}{info}{blocks_called}"


def network(snap: Snapshot, a: Anchors) -> str:
    """The network line: its totals, per stage."""
    t = a.analysis.total
    variant = f" (variant `{snap.config.variant}`)" if snap.config and snap.config.variant else ""
    out = [f"**{a.graph.name}**{variant} — {shape(a.graph.input)} → {shape(a.graph.output_shape)}",
           "", f"{exact(t.params, t.macs)} · {t.layers} layers" + ("" if snap.complete else " (so far: an error stops it)"),
           "", "| stage | output | params | MACs |", "|---|---|--:|--:|"]
    out += [f"| {s.name} | {shape(s.out)} | {s.params:,} | {s.macs:,} |" for s in a.analysis.stages]
    return "\n".join(out)
