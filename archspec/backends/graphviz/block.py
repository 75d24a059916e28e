"""The block level: stages as clusters, repeated blocks folded, the first block drawn in full.

Within a stage, consecutive calls of the same block that compute the same thing (equal
signatures) fold into one "×k" node; a block that stands alone (typically a stage's first, with
its stride and projection shortcut) is drawn in full, as a cluster of units:

- a *run*: consecutive ops in one node, one row per op, norms and activations as suffixes
  ("conv 3×3, 64, s2 · bn · relu"); a channel gate (``scale``, SE) is one row of its run;
- a *merge*: the add of a residual or the concat of branches, which are drawn side by side;
- a residual's shortcut in a lane beside the body: its ops as one node ("projection shortcut"), or
  for an identity a small plaintext mark the dashed edge runs through;
- a dense block or a ``repeat`` as one node.

The ``column`` layout draws the stages one after another in one column (one row for LR), read
top to bottom without decoding; ``compact`` wraps them into columns laid side by side to fit a
page, each break drawn as a numbered continuation: the same mark ends one column and starts the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archspec.backends.graphviz.columns import continuation, stage_columns
from archspec.backends.graphviz.dot import INPUT, LEGEND, OUTPUT, Dot
from archspec.backends.graphviz.hierarchy import Item, Row, Tree, edge_shape, iteration_rows, scale_text, summary
from archspec.backends.graphviz.labels import Html, attachable, caption, cost, esc, op_text, shape, table
from archspec.backends.graphviz.stage import stage_title
from archspec.backends.graphviz.theme import Theme, dominant, kind_of
from archspec.graph import Node, Scope

if TYPE_CHECKING:
    from archspec.backends.target import Target


@dataclass
class Unit:
    """One node of the diagram and the layer-graph nodes it stands for."""

    id: str
    cls: str  # run | merge | folded | dense | repeat
    clusters: tuple[int, ...]  # scope ids of the enclosing clusters: the stage, then maybe a block
    rows: list[Row] = field(default_factory=list)
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    params: int = 0
    macs: int = 0
    count: int = 0  # layer-graph nodes it stands for
    open_row: bool = False  # whether a following norm/act joins the last row
    lane: int | None = None  # the concat whose branch this unit is in: such units sit side by side
    side: str | None = None  # a residual's shortcut ops (its kind): drawn beside the block's main path
    beside: str | None = None  # a side unit: the unit of the body it stands beside

    def lines(self) -> list[str]:
        return [*([self.title] if self.title else []), *(t for _, t in self.rows), *self.notes]


# Combinators whose branches feed both a sum and a weighted sum: the shape labels on the edges into the
# sum (the sum's own shape, which its output edge says) would collide with the second set of edges.
_SUMMED = ("select",)


class BlockView:
    def __init__(self, net: Target, theme: Theme, rankdir: str, layout: str = "column") -> None:
        self.net = net
        self.layout = layout
        self.tree = Tree(net.graph)
        self.d = Dot(net, "block", theme, rankdir)
        self.units: list[Unit] = []
        self.unit_of: dict[int, Unit] = {}
        self.run: Unit | None = None
        self.identity: dict[int, Unit] = {}  # a residual's add -> the lane of its identity shortcut
        self.stage_totals = {t.name: t for t in net.stages}
        self.block_totals = {t.name: t for t in net.blocks}

    # ---- units ------------------------------------------------------------------------------

    def new(self, id: str, cls: str, clusters: tuple[int, ...], **kw: object) -> Unit:
        u = Unit(id, cls, clusters, **kw)  # type: ignore[arg-type]
        self.units.append(u)
        return u

    def claim(self, u: Unit, nodes: list[Node]) -> None:
        for n in nodes:
            self.unit_of[n.id] = u
            u.count += 1
            u.params += n.params
            u.macs += n.macs

    def close(self) -> None:
        self.run = None

    def ops(self, nodes: list[Node], clusters: tuple[int, ...]) -> None:
        """Direct ops of a scope: merges get their own unit, the rest extend the current run."""
        for n in nodes:
            kind = kind_of(n.op)
            if n.defn.joins:
                text = op_text(n, [self._out(i) for i in n.inputs])
                self.run = self.new(n.name, "merge", clusters, rows=[(kind, text)], kinds=[kind], open_row=True)
            elif self.run is not None and self.run.cls == "merge" and kind in ("act", "norm"):
                self.run.rows[-1] = (self.run.rows[-1][0], f"{self.run.rows[-1][1]} · {op_text(n)}")
            else:
                if self.run is None or self.run.cls != "run":
                    self.run = self.new(n.name, "run", clusters)
                run = self.run
                if attachable(n) and run.open_row:
                    run.rows[-1] = (run.rows[-1][0], f"{run.rows[-1][1]} · {op_text(n)}")
                else:
                    run.rows.append((kind, op_text(n)))
                    run.open_row = kind in ("conv", "linear", "norm", "act")
                run.kinds.append(kind)
            self.claim(self.run, [n])

    def _out(self, i: int) -> tuple[int, ...]:
        return edge_shape(self.net.graph, i)

    def walk(self, scope: Scope, clusters: tuple[int, ...]) -> None:
        """Draw what a scope holds, in data-flow order."""
        self.walk_items(self.tree.items(scope.id), clusters)

    def walk_items(self, items: list[Item], clusters: tuple[int, ...]) -> None:
        for child, nodes in items:
            if child is None:
                self.ops(nodes, clusters)
            elif child.kind == "shortcut":
                res = self.tree.scope(child.parent if child.parent is not None else child.id)
                kind = str(res.info.get("shortcut", "projection"))
                self.close()
                first = len(self.units)
                self.ops(nodes, clusters)
                for u in self.units[first:]:
                    u.side = kind
                self.units[first].id = child.name
                self.units[first].title = f"{kind} shortcut"
                self.units[first].cls = "shortcut"
                self.close()
            elif child.kind == "residual":
                self.close()
                first = len(self.units)
                self.walk(child, clusters)
                body = next((u for u in self.units[first:] if not u.side), None)
                if child.info.get("shortcut") == "identity" and body is not None:
                    # No ops to draw: a lane of its own all the same, so the dashed edge runs beside the body.
                    u = self.new(f"{child.name}.shortcut", "shortcut", clusters, rows=[(None, "identity")], side="identity")
                    add = next(n for n in self.tree.nodes_in[child.id] if n.scope == child.id and n.defn.joins)
                    self.identity[add.id] = u
                for u in self.units[first:]:
                    if u.side and body is not None:
                        u.beside = body.id
            elif child.kind in ("concat", "sum", "select", "cascade"):
                self.close()
                for branch, bnodes in self.tree.items(child.id):
                    if branch is None:
                        self.ops(bnodes, clusters)
                        continue
                    self.close()
                    first = len(self.units)
                    self.nested(branch, clusters)
                    for u in self.units[first:]:
                        u.lane = child.id
                    self.close()
            elif child.kind == "scale":
                if self.run is None or self.run.cls != "run":
                    self.run = self.new(nodes[0].name, "run", clusters)
                self.run.rows.append(("merge", scale_text(self.tree, child)))
                self.run.kinds.append("merge")
                self.run.open_row = False
                self.claim(self.run, nodes)
            elif child.kind in ("dense", "repeat"):
                self.close()
                self.claim(self.folded_scope(child, clusters), nodes)
                self.close()
            else:  # a block inside the block: drawn inline
                self.nested(child, clusters)

    def nested(self, scope: Scope, clusters: tuple[int, ...]) -> None:
        """Walk a branch or an inner block; drawn as one node of its own, the node takes its path."""
        first = len(self.units)
        self.walk(scope, clusters)
        if len(self.units) == first + 1 and self.units[first].count == len(self.tree.nodes_in[scope.id]):
            self.units[first].id = scope.name
            if scope.kind == "block":
                self.units[first].title = scope.label
            self.close()

    def folded_scope(self, s: Scope, clusters: tuple[int, ...]) -> Unit:
        """A dense block or a ``repeat`` as one node: its count, then what one iteration does."""
        rows = iteration_rows(self.tree, s)
        if s.kind == "dense":
            i = s.info
            rows = [("block", f"growth {i.get('growth', '?')}, {i.get('in_c', '?')}→{i.get('out_c', '?')} channels"), *rows]
            return self.new(s.name, "dense", clusters, title=f"dense ×{i.get('layers', '?')}", rows=rows, kinds=["block"])
        return self.new(s.name, "repeat", clusters, title=f"repeat ×{s.info.get('repeats', '?')}", rows=rows, kinds=["block"])

    def stage(self, st: Scope) -> None:
        clusters = (st.id,)
        items = self.tree.items(st.id)
        i = 0
        while i < len(items):
            child, nodes = items[i]
            if child is None or child.kind != "block":
                self.walk_items([(child, nodes)], clusters)
                i += 1
                continue
            group = [child]  # consecutive calls of one block
            while i + len(group) < len(items):
                nxt = items[i + len(group)][0]
                if nxt is None or nxt.kind != "block" or nxt.label != child.label:
                    break
                group.append(nxt)
            i += len(group)
            alone = len(items) == 1 and len(group) == 1  # the stage's cluster already names it
            for seg in self.segments(group):
                self.close()
                if len(seg) == 1:
                    first = len(self.units)
                    self.walk(seg[0], clusters if alone else (*clusters, seg[0].id))
                    made = self.units[first:]
                    if not alone and len(made) == 1 and made[0].count == len(self.tree.nodes_in[seg[0].id]):
                        # One node says it all: no cluster around it, the node takes the block's path.
                        made[0].id, made[0].clusters = seg[0].name, clusters
                        made[0].title = f"{seg[0].name} · {seg[0].label}"
                else:
                    self.fold(seg, clusters)
                self.close()

    def segments(self, group: list[Scope]) -> list[list[Scope]]:
        """Split consecutive calls into runs of identical blocks."""
        out: list[list[Scope]] = []
        prev = None
        for b in group:
            sig = self.tree.signature(b.id)
            if out and sig == prev:
                out[-1].append(b)
            else:
                out.append([b])
            prev = sig
        return out

    def fold(self, seg: list[Scope], clusters: tuple[int, ...]) -> None:
        first, last = seg[0], seg[-1]
        head, _, a = first.name.rpartition(".")
        b = last.name.rpartition(".")[2]
        u = self.new(f"{head}.{a}-{b}" if head else f"{a}-{b}", "folded", clusters, title=f"{first.label} ×{len(seg)}",
                     rows=summary(self.tree, first.id), kinds=["block"])
        u.notes.append(f"{first.name} … {last.name}")
        for s in seg:
            self.claim(u, self.tree.nodes_in[s.id])

    # ---- drawing ------------------------------------------------------------------------------

    def cluster(self, sid: int) -> tuple[str, Html, str]:
        s = self.tree.scope(sid)
        t = self.d.theme
        if s.kind == "stage":
            tot = self.stage_totals[s.name]
            notes = [f"→ {shape(tot.out)}", cost(tot.params, tot.macs)]
            return s.name, caption(t, stage_title(s.info, s.name), notes), "stage"
        tot = self.block_totals.get(s.name)
        return s.name, caption(t, f"{s.name} · {s.label}", [cost(tot.params, tot.macs)] if tot else []), "block"

    def draw(self) -> str:
        for u in self.units:
            if u.params or u.macs:
                u.notes.append(cost(u.params, u.macs, brief=True))
        if self.layout == "compact":
            col = stage_columns(self.units, lambda cid: self.cluster(cid)[1], self.d.rankdir)
        else:
            col = {u.clusters[0]: 0 for u in self.units}
        self.col_of = {u.id: col[u.clusters[0]] for u in self.units}
        # Where data enters each column after the first, and the stage it comes from.
        self.ports: dict[int, tuple[str, str]] = {}
        for prev, u in zip(self.units, self.units[1:], strict=False):
            c = self.col_of[u.id]
            if c != self.col_of[prev.id] and c not in self.ports:
                self.ports[c] = (self.tree.scope(u.clusters[0]).name, self.tree.scope(prev.clusters[0]).name)
        self.nodes()
        self.edges()
        return self.d.text()

    def nodes(self) -> None:
        d = self.d
        # Graphviz draws LR by rotating TB, which would stack the rows bottom-up: declare them in reverse.
        for c in sorted(set(self.col_of.values()), reverse=d.rankdir == "LR"):
            main = f"column{c}"  # the nodes of a column's main path: Graphviz keeps them in line
            if c == 0:
                d.within([])
                d.endpoints(group=main)
            for u in (u for u in self.units if self.col_of[u.id] == c):
                if c in self.ports and f"{self.ports[c][0]}.in" not in d.declared:
                    # A later column starts at the mark its predecessor ends with.
                    d.within([self.cluster(u.clusters[0])])
                    self.connector(f"{self.ports[c][0]}.in", c, f"from {self.ports[c][1]}", "in", main)
                d.within([self.cluster(sid) for sid in u.clusters])
                if u.side == "identity":
                    d.node(u.id, Html(f'<i>{esc("identity")}</i>'), "shortcut identity", side=True, shape="plaintext",
                           style="", fontcolor=d.theme.muted, fontsize=9)
                    d.row(u.beside or u.id, u.id)
                    continue
                kind = dominant(u.kinds) if u.kinds else "other"
                for k, _ in u.rows:
                    if k:
                        d.seen(k)
                cls = " ".join(dict.fromkeys((u.cls, u.side or kind, kind)))
                d.node(u.id, table(d.theme, u.title, u.rows, u.notes), cls, kind, side=bool(u.side),
                       group=main if u.lane is None and not u.side else None)
                if u.beside:
                    d.row(u.beside, u.id)
        d.within([])

    def connector(self, id: str, n: int, text: str, end: str, group: str) -> None:
        """One end of the n-th continuation (compact layout): both ends carry the same mark."""
        t = self.d.theme
        self.d.node(id, continuation(n, text), f"connector {end}", shape="box", style="rounded", color=t.text,
                    penwidth=1.6, group=group)

    def edges(self) -> None:
        """One edge per tensor between drawn nodes, in data-flow order."""
        d = self.d
        seen: set[tuple[str, str]] = set()
        labelled: set[tuple[str, int]] = set()  # (drawn source, layer node): a fan-out's shape is written once
        legend: dict[str, str] = {}
        for n in self.net.graph.nodes:
            dst = self.unit_of[n.id]
            for pos, i in enumerate(n.inputs):
                src = self.unit_of.get(i)
                if src is dst:
                    continue
                extra: dict[str, str | int | float | None] = {}
                label: str | None = shape(self._out(i))
                cls, eid, style = "data", None, ""
                if src is not None and src.side and not dst.side:
                    cls = f"shortcut {src.side}"
                    # Into the add, whose output edge already says this shape: a label here only drifts
                    # away from a long lane.
                    label = None
                elif n.defn.joins and self.net.graph.scopes[n.scope].kind in _SUMMED and n.out == self._out(i):
                    label = None
                lane = self.identity.get(n.id) if pos == 1 else None
                if (src is not None and src.side) or dst.side or lane:
                    extra["weight"] = 0  # the main path stays straight
                if lane:
                    label, cls, style = None, "shortcut identity", "dashed"
                sid = INPUT if src is None else src.id
                c = self.col_of[dst.id]
                if self.col_of.get(sid, 0) != c:
                    # The next column stands beside this one: connectors rather than an edge across.
                    into, frm = self.ports[c]
                    out = f"{frm}.out"
                    if (sid, out) not in seen:
                        seen.add((sid, out))
                        self.connector(out, c, f"continues → {into}", "out", f"column{self.col_of.get(sid, 0)}")
                        d.edge(sid, out, "data", shape(self._out(i)))
                    sid = f"{into}.in"
                if lane:  # into the lane, then out of it into the add
                    d.edge(sid, lane.id, cls, None, style=style, arrowhead="none", **extra)
                    sid = lane.id
                if (sid, dst.id) in seen:
                    continue
                seen.add((sid, dst.id))
                if cls == "data":
                    label = None if (sid, i) in labelled else label
                    labelled.add((sid, i))
                if style:
                    extra["style"] = style
                    legend[style] = "identity shortcut"
                d.edge(sid, dst.id, cls, label, eid, **extra)
        last = self.unit_of[self.net.graph.output]
        d.output(last.id, group=f"column{self.col_of[last.id]}")
        d.legend(list(legend.items()))
        d.edge(OUTPUT, LEGEND, "layout", style="invis")  # the legend goes under the last column


def build(net: Target, theme: Theme, rankdir: str = "TB", layout: str = "column") -> str:
    """The block-level diagram as DOT text; ``layout`` column or compact (stages wrapped into columns)."""
    view = BlockView(net, theme, rankdir, layout)
    for st in view.tree.stages():
        view.close()
        view.stage(st)
    return view.draw()
