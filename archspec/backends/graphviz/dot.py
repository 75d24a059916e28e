"""Writing DOT text: quoting, nodes, edges, clusters, and the frame every level shares.

Every node, edge and cluster gets an explicit ``id`` (its hierarchy path) and ``class``, so the
SVG that ``dot`` writes can be linked into and styled. Output depends on the layer graph only:
attributes are written in a fixed order and nothing is keyed by ``id()`` or set order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from archspec.backends.graphviz.labels import MACS_NOTE, SWATCH, Html, caption, cost, esc, shape
from archspec.backends.graphviz.theme import KIND_DOC, KIND_HUE, Theme

if TYPE_CHECKING:
    from archspec.backends.target import Target

INPUT, OUTPUT, LEGEND = "input", "output", "legend"


def quote(s: str) -> str:
    """A DOT string; a newline becomes DOT's own line break."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _value(v: str | int | float) -> str:
    if isinstance(v, Html):
        return f"<{v}>"
    if isinstance(v, bool):
        return "true" if v else "false"
    return quote(str(v))


def attrs(a: dict[str, str | int | float | None]) -> str:
    return " ".join(f"{k}={_value(v)}" for k, v in a.items() if v is not None)


class Dot:
    """A DOT document under construction, for one network at one level."""

    def __init__(self, net: Target, level: str, theme: Theme, rankdir: str = "TB") -> None:
        self.net = net
        self.level = level
        self.theme = theme
        self.rankdir = rankdir
        self.lines: list[str] = []
        self.depth = 1
        self.kinds: list[str] = []  # kinds drawn, for the legend
        self.open: list[str] = []  # ids of the clusters being written, outermost first
        self.declared: set[str] = set()  # node ids written so far
        self.edge_ids: set[str] = set()
        self.member: dict[str, tuple[str, ...]] = {}  # node id -> the clusters holding it, outermost first
        self.links: list[tuple[str, str]] = []  # drawn edges (src, dst), for placing the titles
        self.clusters: list[str] = []  # cluster ids, in the order opened
        self.side: set[str] = set()  # nodes beside a main path (shortcuts): never a title's anchor
        self.rows: list[tuple[str, ...]] = []  # nodes on one rank, left to right
        self._header()

    # ---- primitives -------------------------------------------------------------------------

    def emit(self, line: str) -> None:
        self.lines.append("  " * self.depth + line)

    def node(self, id: str, label: Html, cls: str, kind: str | None = None, *, side: bool = False,
             **extra: str | int | float | None) -> None:
        """A node; ``kind`` colours it (fill a tint, border the full colour); a ``side`` node stands
        beside the main path."""
        t = self.theme
        a: dict[str, str | int | float | None] = {"id": id, "class": cls, "label": label}
        if kind is not None:
            self.seen(kind)
            a |= {"fillcolor": t.fill(kind), "color": t.line(kind)}
        self.emit(f"{quote(id)} [{attrs(a | extra)}]")
        self.declared.add(id)
        self.member[id] = tuple(self.open)
        if side:
            self.side.add(id)

    def row(self, *ids: str) -> None:
        """Put nodes on one rank, in this order from the left (the top, for LR)."""
        self.rows.append(ids)

    def edge(self, src: str, dst: str, cls: str, label: str | None = None, id: str | None = None,
             **extra: str | int | float | None) -> None:
        eid = id or f"{src}->{dst}"
        if eid in self.edge_ids:  # the same two nodes joined twice: keep ids unique
            eid = f"{eid}~{sum(1 for e in self.edge_ids if e.startswith(eid))}"
        self.edge_ids.add(eid)
        a: dict[str, str | int | float | None] = {"id": eid, "class": cls, "label": label}
        self.emit(f"{quote(src)} -> {quote(dst)} [{attrs(a | extra)}]")
        if extra.get("style") != "invis":
            self.links.append((src, dst))

    def open_cluster(self, id: str, label: Html, cls: str) -> None:
        """A cluster. Top to bottom, its title is a node of its own (``title:ID``) beside the cluster's
        first nodes: Graphviz routes edges around nodes but through cluster labels, and edges come in
        from above. Left to right, edges come in from the side: the title is the cluster's label."""
        t = self.theme
        self.emit(f"subgraph {quote('cluster_' + id)} {{")
        self.depth += 1
        size = 12 if cls == "stage" else 10
        a: dict[str, str | int | float | None] = {"id": id, "class": cls, "label": "", "style": "rounded,filled",
                                                  "fillcolor": t.cluster_fill, "color": t.cluster_line}
        if "folded" in cls.split():  # one block standing for a run: the border in the folded blocks' colour
            a |= {"color": t.line("block"), "penwidth": 2}
            self.seen("block")
        if self.rankdir == "LR":
            # Edges into an inner cluster run along its top (as an SE gate's skip does): its label goes below.
            a |= {"label": label, "labeljust": "l", "labelloc": "b" if self.open and cls != "dense" else "t", "fontsize": size}
        self.emit(f"graph [{attrs(a)}]")
        if self.rankdir == "LR" or not label:
            return
        self.open.append(id)
        tid = title_id(id)
        a = {"id": tid, "class": f"title {cls}", "label": label, "shape": "plaintext", "style": "", "fontsize": size}
        self.emit(f"{quote(tid)} [{attrs(a)}]")
        self.member[tid] = tuple(self.open)
        self.open.pop()

    def close_cluster(self) -> None:
        self.depth -= 1
        self.emit("}")

    def within(self, chain: Sequence[tuple[str, Html, str]]) -> None:
        """Move into the clusters ``chain`` (outermost first, each (id, label, class)), closing others.

        Callers visit nodes in data-flow order, where every cluster's nodes are contiguous, so each
        cluster is opened exactly once.
        """
        ids = [c[0] for c in chain]
        while self.open and self.open != ids[: len(self.open)]:
            self.open.pop()
            self.close_cluster()
        for cid, label, cls in chain[len(self.open):]:
            self.open_cluster(cid, label, cls)
            self.open.append(cid)
            if label:
                self.clusters.append(cid)

    def seen(self, kind: str) -> None:
        if kind not in self.kinds:
            self.kinds.append(kind)

    # ---- the frame --------------------------------------------------------------------------

    def _header(self) -> None:
        net, t = self.net, self.theme
        title = net.title
        sub = f"{net.name}" + (f" [{net.variant}]" if net.variant else "")
        notes = [f"{sub} · input {shape(net.input)} · {cost(net.params, net.macs)}", f"{self.level} level · {MACS_NOTE}"]
        g = {
            "id": "diagram", "class": f"archspec {self.level}-level", "label": caption(t, title, notes), "labelloc": "t",
            "labeljust": "l", "rankdir": self.rankdir, "bgcolor": t.background, "fontname": t.font, "fontsize": 13,
            "fontcolor": t.text, "nodesep": 0.25, "ranksep": 0.3, "newrank": "true", "outputorder": "edgesfirst",
        }
        n = {"shape": "box", "style": "rounded,filled", "fontname": t.font, "fontsize": 10, "fontcolor": t.text,
             "fillcolor": t.block_fill, "color": t.muted, "margin": "0.08,0.04", "penwidth": 1.2}
        e = {"fontname": t.font, "fontsize": 9, "fontcolor": t.muted, "color": t.muted, "arrowsize": 0.6}
        name = net.name + (f"_{net.variant}" if net.variant else "")
        self.lines.append(f"digraph {quote(name)} {{")
        self.emit(f"graph [{attrs(g)}]")
        self.emit(f"node [{attrs(n)}]")
        self.emit(f"edge [{attrs(e)}]")

    def endpoints(self, group: str | None = None) -> None:
        """The input node (before anything else, so it sits first)."""
        t = self.theme
        self.node(INPUT, Html(f"<b>input</b><br/>{esc(shape(self.net.input))}"), "io input",
                  shape="box", style="rounded", color=t.muted, group=group)

    def output(self, src: str, group: str | None = None) -> None:
        """The output node, fed by node ``src``."""
        t = self.theme
        self.node(OUTPUT, Html(f"<b>output</b><br/>{esc(shape(self.net.output))}"), "io output",
                  shape="box", style="rounded", color=t.muted, group=group)
        self.edge(src, OUTPUT, "data", shape(self.net.output))

    def legend(self, edges: Sequence[tuple[str, str]] = ()) -> None:
        """A node listing the colours drawn, and what the edge styles mean."""
        t = self.theme
        rows = ['<table border="0" cellborder="0" cellspacing="1" cellpadding="1">',
                '<tr><td align="left"><b>legend</b></td></tr>']
        for kind in KIND_HUE:
            if kind in self.kinds:
                rows.append(f'<tr><td align="left"><font color="{t.line(kind)}">{SWATCH}</font> {kind} '
                            f'<font color="{t.muted}">({esc(KIND_DOC[kind])})</font></td></tr>')
        for mark, doc in (("C×H×W", "tensor shape on each edge"), *edges):
            rows.append(f'<tr><td align="left">{esc(mark)} <font color="{t.muted}">{esc(doc)}</font></td></tr>')
        rows.append("</table>")
        self.node(LEGEND, Html("".join(rows)), "legend", shape="box", style="rounded", color=t.cluster_line)

    def entries(self, cid: str) -> list[str]:
        """The nodes a cluster's title stands beside: the first node data enters the cluster by, and the
        others entered from the same place (branches side by side), in the order written."""
        inside = [n for n, chain in self.member.items() if cid in chain and not n.startswith(TITLE) and n not in self.side]
        members = set(inside) | {n for n in self.side if cid in self.member[n]}
        feeds: dict[str, set[str]] = {}
        for s, d in self.links:
            if d in members and s not in members:
                feeds.setdefault(d, set()).add(s)
        entered = [n for n in inside if n in feeds]
        if not entered:
            return inside[:1]
        # Not a node that data also reaches from the first entry (an SE gate's multiply): it sits lower.
        after: dict[str, list[str]] = {}
        for s, d in self.links:
            if s in members and d in members:
                after.setdefault(s, []).append(d)
        reach, todo = set(), [entered[0]]
        while todo:
            for d in after.get(todo.pop(), ()):
                if d not in reach:
                    reach.add(d)
                    todo.append(d)
        return [n for n in entered if feeds[n] & feeds[entered[0]] and n not in reach]

    def titles(self) -> list[str]:
        """Each cluster's title on the rank of the nodes data enters the cluster by, to their left (above
        them, for LR): edges into the cluster then come down beside the title, not through it. The
        titles of nested clusters entered by the same node line up, outermost first; a side node
        (a shortcut) comes right after the node it stands beside. One chain per rank: Graphviz keeps
        the order of one chain of invisible edges, not always that of several."""
        nxt: dict[str, str] = {}
        prev: dict[str, str] = {}

        def link(a: str, b: str) -> None:
            if a not in nxt and b not in prev and a != b:
                nxt[a], prev[b] = b, a

        entries = {cid: self.entries(cid) for cid in self.clusters} if self.rankdir == "TB" else {}
        for cid in entries:
            ids = [title_id(cid)]
            for e in entries[cid]:
                chain = self.member[e]
                # the titles of the clusters inside this one that e is the first entry of come first
                ids += [title_id(d) for d in chain[chain.index(cid) + 1:]
                        if (entries.get(d) or [None])[0] == e and title_id(d) not in ids]
                ids.append(e)
            for a, b in zip(ids, ids[1:], strict=False):
                link(a, b)
        for row in self.rows:
            for a, b in zip(row, row[1:], strict=False):
                if a in nxt and b not in prev and b not in nxt:  # slot b in right after a
                    nxt[b] = nxt[a]
                    prev[nxt[a]] = b
                    del nxt[a]
                link(a, b)
        out: list[str] = []
        for cid, ents in entries.items():  # a title left out of every chain still needs its rank
            if ents and title_id(cid) not in nxt and title_id(cid) not in prev:
                out.append(f"{{rank=same; {quote(title_id(cid))}; {quote(ents[0])}}}")
        for start in [n for n in nxt if n not in prev]:
            ids = [start]
            while ids[-1] in nxt:
                ids.append(nxt[ids[-1]])
            if self.rankdir == "LR":  # Graphviz turns TB's left-to-right order into LR's bottom-to-top
                ids = [n for n in ids if n not in self.side] + [n for n in ids if n in self.side]
            out.append(f"{{rank=same; {'; '.join(map(quote, ids))}}}")
            out += [f"{quote(a)} -> {quote(b)} [style=invis]" for a, b in zip(ids, ids[1:], strict=False)]
        return out

    def text(self) -> str:
        self.within([])
        return "\n".join([*self.lines, *("  " + e for e in self.titles()), "}", ""])


TITLE = "title:"


def title_id(cluster: str) -> str:
    """The node holding a cluster's title."""
    return TITLE + cluster
