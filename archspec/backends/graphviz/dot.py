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
        self._header()

    # ---- primitives -------------------------------------------------------------------------

    def emit(self, line: str) -> None:
        self.lines.append("  " * self.depth + line)

    def node(self, id: str, label: Html, cls: str, kind: str | None = None, **extra: str | int | float | None) -> None:
        """A node; ``kind`` colours it (fill a tint, border the full colour)."""
        t = self.theme
        a: dict[str, str | int | float | None] = {"id": id, "class": cls, "label": label}
        if kind is not None:
            self.seen(kind)
            a |= {"fillcolor": t.fill(kind), "color": t.line(kind)}
        self.emit(f"{quote(id)} [{attrs(a | extra)}]")
        self.declared.add(id)

    def edge(self, src: str, dst: str, cls: str, label: str | None = None, id: str | None = None,
             **extra: str | int | float | None) -> None:
        eid = id or f"{src}->{dst}"
        if eid in self.edge_ids:  # the same two nodes joined twice: keep ids unique
            eid = f"{eid}~{sum(1 for e in self.edge_ids if e.startswith(eid))}"
        self.edge_ids.add(eid)
        a: dict[str, str | int | float | None] = {"id": eid, "class": cls, "label": label}
        self.emit(f"{quote(src)} -> {quote(dst)} [{attrs(a | extra)}]")

    def open_cluster(self, id: str, label: Html, cls: str) -> None:
        t = self.theme
        self.emit(f"subgraph {quote('cluster_' + id)} {{")
        self.depth += 1
        # Across LR rows, edges into an inner cluster run along its top: its label goes below.
        loc = "b" if self.rankdir == "LR" and self.open else "t"
        a = {"id": id, "class": cls, "label": label, "style": "rounded,filled", "fillcolor": t.cluster_fill,
             "color": t.cluster_line, "labeljust": "l", "labelloc": loc}
        self.emit(f"graph [{attrs(a)}]")

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

    def endpoints(self) -> None:
        """The input node (before anything else, so it sits first)."""
        t = self.theme
        self.node(INPUT, Html(f"<b>input</b><br/>{esc(shape(self.net.input))}"), "io input",
                  shape="box", style="rounded", color=t.muted)

    def output(self, src: str) -> None:
        """The output node, fed by node ``src``."""
        t = self.theme
        self.node(OUTPUT, Html(f"<b>output</b><br/>{esc(shape(self.net.output))}"), "io output",
                  shape="box", style="rounded", color=t.muted)
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

    def text(self) -> str:
        self.within([])
        return "\n".join([*self.lines, "}", ""])
