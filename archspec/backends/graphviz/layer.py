"""The layer level: every primitive op, in nested clusters by stage, block, branch and shortcut.

Folded (the default), a run of consecutive identical blocks in a stage is drawn once: its first
block in full, in a cluster titled with the run's range and count ("stage3.1 … stage3.35 ·
bottleneck ×35"), the others left out, and the edges into and out of the run drawn to and from
the block drawn. Unfolded, every op of every block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archspec.backends.graphviz.dot import INPUT, Dot
from archspec.backends.graphviz.hierarchy import Tree
from archspec.backends.graphviz.labels import Html, caption, cost, op_text, shape, table
from archspec.backends.graphviz.stage import stage_title
from archspec.backends.graphviz.theme import Theme, kind_of
from archspec.graph import Scope

if TYPE_CHECKING:
    from archspec.backends.target import Target

# Scopes drawn as clusters. Residual, concat and scale scopes share their block's path and add
# nothing a reader needs a box for: their merge op says what they are.
CLUSTERED = ("stage", "block", "branch", "shortcut", "dense", "repeat")
MAIN = "main"  # the group of the ops on the main path: Graphviz keeps them in line


def build(net: Target, theme: Theme, rankdir: str = "TB", fold: bool = True) -> str:
    """The layer-level diagram as DOT text; ``fold``: one of each run of identical blocks drawn."""
    d = Dot(net, "layer", theme, rankdir)
    g = net.graph
    tree = Tree(g)
    stage_totals = {t.name: t for t in net.stages}
    block_totals = {t.name: t for t in net.blocks}
    labels: dict[int, tuple[str, Html, str]] = {}
    runs = {r[0].id: r for r in tree.runs()} if fold else {}
    # A node of a folded block -> the node drawn for it, the same op of the run's first block.
    drawn_as: dict[int, int] = {}
    run_of: dict[int, int] = {}  # a node inside a folded run -> the run's first block
    for head, run in runs.items():
        for b in run:
            for n, rep in zip(tree.nodes_in[b.id], tree.nodes_in[head], strict=True):
                drawn_as[n.id], run_of[n.id] = rep.id, head

    def cluster(sid: int) -> tuple[str, Html, str]:
        if sid not in labels:
            s = g.scopes[sid]
            notes: list[str] = []
            if sid in runs:
                labels[sid] = folded(runs[sid])
                return labels[sid]
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
            else:  # a branch: its box says enough, and a title would only say "branch2"
                labels[sid] = (s.name, Html(""), s.kind)
                return labels[sid]
            labels[sid] = (s.name, caption(theme, title, notes), s.kind)
        return labels[sid]

    def folded(run: list[Scope]) -> tuple[str, Html, str]:
        """The cluster of a run's first block, which stands for the run: its range, its count, its cost."""
        first, last = run[0], run[-1]
        head, _, a = first.name.rpartition(".")
        b = last.name.rpartition(".")[2]
        tots = [block_totals[s.name] for s in run if s.name in block_totals]
        notes = [f"one drawn, {len(run) - 1} more the same left out"]
        if tots:
            notes += [f"each {cost(tots[0].params, tots[0].macs)}",
                      f"all {len(run)}: {cost(sum(t.params for t in tots), sum(t.macs for t in tots))}"]
        title = f"{first.name} … {last.name} · {first.label} ×{len(run)}"
        return f"{head}.{a}-{b}", caption(theme, title, notes), "block folded"

    d.endpoints(group=MAIN)
    # An identity shortcut runs down a lane of its own beside the block's body, through a small
    # "identity" node on the rank of the body's first op: the residual scope -> that node's id.
    lanes = {sid: f"{g.scopes[sid].name}.shortcut" for sid, s in enumerate(g.scopes)
             if s.kind == "residual" and s.info.get("shortcut") == "identity"}
    for n in g.nodes:
        if drawn_as.get(n.id, n.id) != n.id:
            continue
        chain = [sid for sid in tree.chain[n.id][1:] if g.scopes[sid].kind in CLUSTERED]
        d.within([cluster(sid) for sid in chain])
        kind = kind_of(n.op)
        notes = [cost(n.params, n.macs, brief=True)] if n.params or n.macs else []
        main = not any(g.scopes[sid].kind in ("branch", "shortcut") for sid in chain)
        d.node(n.name, table(theme, None, [(kind, op_text(n))], notes), f"layer {kind}", kind, group=MAIN if main else None)
        for sid in tree.chain[n.id]:
            if sid in lanes and tree.nodes_in[sid][0] is n:
                d.node(lanes[sid], Html("<i>identity</i>"), "shortcut identity", side=True, shape="plaintext", style="",
                       fontcolor=theme.muted, fontsize=9)
                d.row(n.name, lanes[sid])
    d.within([])
    identity = False
    labelled: set[int] = set()  # a tensor read twice (a fan-out) has its shape on the first edge only
    remapped: set[tuple[int, int]] = set()  # edges into or out of a folded run: drawn once
    for node in g.nodes:
        for pos, i in enumerate(node.inputs):
            if node.id in run_of and run_of.get(i) == run_of[node.id] and (drawn_as[i] != i or drawn_as[node.id] != node.id):
                continue  # inside a run, between blocks not drawn
            n = g.nodes[drawn_as.get(node.id, node.id)]
            if (drawn_as.get(i, i), n.id) != (i, node.id):
                i = drawn_as.get(i, i)
                if (i, n.id) in remapped:
                    continue
                remapped.add((i, n.id))
            src = INPUT if i < 0 else g.nodes[i].name
            if n.kind == "merge" and pos == 1 and n.scope in lanes:
                lane = lanes[n.scope]
                d.edge(src, lane, "shortcut identity", None, style="dashed", arrowhead="none", weight=0)
                d.edge(lane, n.name, "shortcut identity", None, style="dashed", weight=0)
                identity = True
            else:
                label = None if i in labelled else shape(g.input if i < 0 else g.nodes[i].out)
                labelled.add(i)
                d.edge(src, n.name, "data", label)
    d.output(g.nodes[drawn_as.get(g.output, g.output)].name if g.nodes else INPUT, group=MAIN)
    d.legend([("dashed", "identity shortcut")] if identity else [])
    return d.text()
