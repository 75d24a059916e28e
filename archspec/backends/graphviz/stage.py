"""The stage level: one node per stem, stage and head, the table of a paper drawn as a picture.

A stage node says which block it repeats and how often, the block's arguments in the papers' terms
(width, expansion, groups, stride; every resolved argument in the node's tooltip), its main ops (as
the ResNet paper's table does), what shortcuts the stage's blocks have, all of them counted, its
output shape, parameters and MACs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archspec.backends.graphviz.dot import INPUT, Dot
from archspec.backends.graphviz.hierarchy import Tree, shortcut_counts, shortcut_text, summary
from archspec.backends.graphviz.labels import config, cost, paper_args, shape, table
from archspec.backends.graphviz.theme import Theme, dominant, kind_of

if TYPE_CHECKING:
    from archspec.backends.target import Target


def stage_title(info: dict, name: str) -> str:
    """'stage3 · bottleneck ×6' for a stage row, the section's name otherwise."""
    if info.get("block"):
        return f"{name} · {info['block']} ×{info.get('repeats', 1)}"
    return name


def build(net: Target, theme: Theme, rankdir: str = "TB") -> str:
    d = Dot(net, "stage", theme, rankdir)
    tree = Tree(net.graph)
    totals = {t.name: t for t in net.stages}
    d.endpoints()
    prev, prev_shape = INPUT, net.input
    for st in tree.stages():
        t = totals[st.name]
        blocks = [c for c in st.children if tree.scope(c).kind == "block"]
        # A stage row is one block repeated: its last (stride-1) block stands for the rest, but the
        # shortcuts are counted over all of them (the first block often projects where the rest do not).
        repeated = bool(st.info.get("block") and blocks)
        rows = summary(tree, blocks[-1] if repeated else st.id, shortcuts=False)
        sc = shortcut_text(shortcut_counts(tree, st.id))
        if sc:
            rows.append(("merge", sc))
        kind = dominant([kind_of(n.op) for n in tree.nodes_in[st.id]])
        for k, _ in rows:
            if k:
                d.seen(k)
        label = table(theme, stage_title(st.info, st.name), rows, [f"→ {shape(t.out)}", cost(t.params, t.macs)],
                      subtitle=paper_args(st.info))
        # The papers' arguments on the node, every resolved one in its tooltip.
        tip = " ".join(config(st.info, 10**6)) or None
        d.node(st.name, label, "stage", kind, tooltip=f"{st.name}: {tip}" if tip else None)
        d.edge(prev, st.name, "data", shape(prev_shape))
        prev, prev_shape = st.name, t.out
    d.output(prev)
    d.legend()
    return d.text()
