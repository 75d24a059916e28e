"""The layer level: every primitive op, in nested clusters by stage, block, branch and shortcut."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archspec.backends.graphviz.dot import INPUT, Dot
from archspec.backends.graphviz.hierarchy import Tree
from archspec.backends.graphviz.labels import Html, caption, cost, op_text, shape, table
from archspec.backends.graphviz.stage import stage_title
from archspec.backends.graphviz.theme import Theme, kind_of

if TYPE_CHECKING:
    from archspec.backends.target import Target

# Scopes drawn as clusters. Residual, concat and scale scopes share their block's path and add
# nothing a reader needs a box for: their merge op says what they are.
CLUSTERED = ("stage", "block", "branch", "shortcut", "dense", "repeat")


def build(net: Target, theme: Theme, rankdir: str = "TB") -> str:
    d = Dot(net, "layer", theme, rankdir)
    g = net.graph
    tree = Tree(g)
    stage_totals = {t.name: t for t in net.stages}
    block_totals = {t.name: t for t in net.blocks}
    labels: dict[int, tuple[str, Html, str]] = {}

    def cluster(sid: int) -> tuple[str, Html, str]:
        if sid not in labels:
            s = g.scopes[sid]
            notes: list[str] = []
            if s.kind == "stage":
                title = stage_title(s.info, s.name)
                tot = stage_totals.get(s.name)
                notes = [f"→ {shape(tot.out)} · {cost(tot.params, tot.macs)}"] if tot else []
            elif s.kind == "block":
                title = f"{s.name} · {s.label}"
                tot = block_totals.get(s.name)
                notes = [cost(tot.params, tot.macs)] if tot else []
            elif s.kind == "shortcut":
                parent = g.scopes[s.parent] if s.parent is not None else s
                title = f"shortcut ({parent.info.get('shortcut', 'projection')})"
            elif s.kind == "dense":
                title = f"dense ×{s.info.get('layers', '?')}, growth {s.info.get('growth', '?')}"
            elif s.kind == "repeat":
                title = f"repeat ×{s.info.get('repeats', '?')}"
            else:
                title = s.name.rpartition(".")[2]
            labels[sid] = (s.name, caption(theme, title, notes), s.kind)
        return labels[sid]

    d.endpoints()
    for n in g.nodes:
        chain = [sid for sid in tree.chain[n.id][1:] if g.scopes[sid].kind in CLUSTERED]
        d.within([cluster(sid) for sid in chain])
        kind = kind_of(n.op)
        notes = [cost(n.params, n.macs, brief=True)] if n.params or n.macs else []
        d.node(n.name, table(theme, None, [(kind, op_text(n))], notes), f"layer {kind}", kind)
    d.within([])
    identity = False
    labelled: set[int] = set()  # a tensor read twice (a fan-out) has its shape on the first edge only
    for n in g.nodes:
        res = g.scopes[n.scope]
        for pos, i in enumerate(n.inputs):
            src = INPUT if i < 0 else g.nodes[i].name
            if n.kind == "merge" and pos == 1 and res.kind == "residual" and res.info.get("shortcut") == "identity":
                d.edge(src, n.name, "shortcut identity", None, style="dashed")
                identity = True
            else:
                label = None if i in labelled else shape(g.input if i < 0 else g.nodes[i].out)
                labelled.add(i)
                d.edge(src, n.name, "data", label)
    d.output(g.nodes[g.output].name if g.nodes else INPUT)
    d.legend([("dashed", "identity shortcut")] if identity else [])
    return d.text()
