"""Checking a laid-out diagram: no edge through a node or a title, no overlapping labels, no overflow.

Graphviz lays the DOT text out (``dot -Tjson``); this module reads the geometry back and lists what
a reader would trip over:

- ``crosses node``: an edge's curve runs through a node that is not one of its two ends;
- ``crosses title``: an edge runs through a cluster's title or the diagram's caption;
- ``crosses label``: an edge runs through another edge's label;
- ``overlap``: two labels (node boxes, edge labels, titles) overlap;
- ``overflow``: text runs past the border of its node or cluster;
- ``hook``: an edge turns back against the direction of flow (a hook or loop at its start);
- ``far label``: an edge's label sits away from its edge.

``check(dot_text)`` returns the problems found (empty: a clean drawing). ``python -m
archspec.backends.graphviz.geometry FILE.dot`` prints them.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

TOL = 1.0  # points a curve may graze a box by (Graphviz rounds positions to hundredths)
FAR = 14.0  # points an edge label may sit from its edge
HOOK = 6.0  # points an edge may run back against the flow (a gentle S-bend runs back 3 or 4; a hook 20 or more)
STEP = 3.0  # points between the samples taken along an edge
CELL = 64.0  # the side of a cell of the spatial index, in points


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in points, y up (Graphviz's coordinates)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def shrink(self, d: float) -> Box:
        return Box(self.x0 + d, self.y0 + d, self.x1 - d, self.y1 - d)

    def holds(self, x: float, y: float) -> bool:
        return self.x0 < x < self.x1 and self.y0 < y < self.y1

    def meets(self, o: Box) -> bool:
        return self.x0 < o.x1 and o.x0 < self.x1 and self.y0 < o.y1 and o.y0 < self.y1

    def within(self, o: Box, tol: float = TOL) -> bool:
        return self.x0 >= o.x0 - tol and self.y0 >= o.y0 - tol and self.x1 <= o.x1 + tol and self.y1 <= o.y1 + tol

    def gap(self, x: float, y: float) -> float:
        """How far the point lies outside the box (0 inside)."""
        dx = max(self.x0 - x, 0.0, x - self.x1)
        dy = max(self.y0 - y, 0.0, y - self.y1)
        return (dx * dx + dy * dy) ** 0.5


def union(boxes: Iterable[Box]) -> Box | None:
    bs = list(boxes)
    if not bs:
        return None
    return Box(min(b.x0 for b in bs), min(b.y0 for b in bs), max(b.x1 for b in bs), max(b.y1 for b in bs))


@dataclass(frozen=True)
class Problem:
    kind: str  # crosses node | crosses title | crosses label | overlap | overflow | hook | far label
    what: str  # the edge or label at fault, by id
    other: str = ""  # what it runs into

    def __str__(self) -> str:
        return f"{self.kind}: {self.what}" + (f" × {self.other}" if self.other else "")


# ---- reading dot -Tjson --------------------------------------------------------------------------


def texts(ops: list[dict[str, Any]] | None) -> list[Box]:
    """The box of each piece of text an xdot op list draws (baseline, alignment, width, font size)."""
    out, size = [], 14.0
    for op in ops or []:
        if op["op"] == "F":
            size = float(op["size"])
        elif op["op"] == "T" and op["text"].strip():
            (x, y), w = op["pt"], float(op["width"])
            x0 = {"l": x, "c": x - w / 2, "r": x - w}[op["align"]]
            out.append(Box(x0, y - 0.21 * size, x0 + w, y + 0.76 * size))
    return out


def curves(ops: list[dict[str, Any]] | None) -> list[list[tuple[float, float]]]:
    """The cubic Bézier control points of an edge's drawn curves."""
    return [[(float(x), float(y)) for x, y in op["points"]] for op in ops or [] if op["op"] in ("b", "B")]


def sample(ctrl: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points every ~STEP points along a piecewise cubic Bézier (4 + 3k control points)."""
    out = [ctrl[0]]
    for k in range(0, len(ctrl) - 3, 3):
        p0, p1, p2, p3 = ctrl[k:k + 4]
        length = sum(((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 for a, b in ((p0, p1), (p1, p2), (p2, p3)))
        n = max(2, int(length / STEP) + 1)
        for i in range(1, n + 1):
            t = i / n
            u = 1 - t
            a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
            out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


@dataclass
class Edge:
    id: str
    tail: str
    head: str
    points: list[tuple[float, float]]
    labels: list[Box]  # its label, head and tail labels, each one box


@dataclass
class Layout:
    """What the checks need of a laid-out graph."""

    rankdir: str
    nodes: dict[str, Box]  # node id -> its box
    node_text: dict[str, list[Box]]
    titles: dict[str, Box]  # cluster id (or "diagram") -> its title's box
    title_text: dict[str, list[Box]]
    clusters: dict[str, Box]
    edges: list[Edge]


def _bb(s: str) -> Box:
    x0, y0, x1, y1 = (float(v) for v in s.split(","))
    return Box(x0, y0, x1, y1)


def read(j: dict[str, Any]) -> Layout:
    """A Layout from ``dot -Tjson`` output."""
    lay = Layout(str(j.get("rankdir", "TB")), {}, {}, {}, {}, {}, [])
    names: dict[int, str] = {}
    for o in j.get("objects", []):
        oid = str(o.get("id") or o["name"])
        if "pos" in o:  # a node
            names[o["_gvid"]] = oid
            if "invis" in str(o.get("style", "")):
                continue
            x, y = (float(v) for v in o["pos"].split(","))
            w, h = float(o["width"]) * 36, float(o["height"]) * 36
            lay.nodes[oid] = Box(x - w, y - h, x + w, y + h)
            lay.node_text[oid] = texts(o.get("_ldraw_"))
        elif "bb" in o and str(o["name"]).startswith("cluster"):
            lay.clusters[oid] = _bb(o["bb"])
            t = texts(o.get("_ldraw_"))
            if t:
                lay.title_text[oid] = t
                lay.titles[oid] = union(t)  # type: ignore[assignment]
    t = texts(j.get("_ldraw_"))
    if t:
        lay.titles["diagram"] = union(t)  # type: ignore[assignment]
    for e in j.get("edges", []):
        if "invis" in str(e.get("style", "")):
            continue
        pts = [p for c in curves(e.get("_draw_")) for p in sample(c)]
        labels = [b for k in ("_ldraw_", "_xldraw_", "_hldraw_", "_tldraw_") if (b := union(texts(e.get(k))))]
        tail, head = names[e["tail"]], names[e["head"]]
        lay.edges.append(Edge(str(e.get("id") or f"{tail}->{head}"), tail, head, pts, labels))
    return lay


# ---- a grid of boxes, for finding what a point or a box touches ----------------------------------


class Grid:
    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.items: list[tuple[str, Box]] = []

    def add(self, owner: str, b: Box) -> None:
        i = len(self.items)
        self.items.append((owner, b))
        for cx in range(int(b.x0 // CELL), int(b.x1 // CELL) + 1):
            for cy in range(int(b.y0 // CELL), int(b.y1 // CELL) + 1):
                self.cells[cx, cy].append(i)

    def at(self, x: float, y: float) -> Iterator[tuple[str, Box]]:
        for i in self.cells.get((int(x // CELL), int(y // CELL)), ()):
            yield self.items[i]

    def near(self, b: Box) -> Iterator[tuple[int, str, Box]]:
        seen: set[int] = set()
        for cx in range(int(b.x0 // CELL), int(b.x1 // CELL) + 1):
            for cy in range(int(b.y0 // CELL), int(b.y1 // CELL) + 1):
                for i in self.cells.get((cx, cy), ()):
                    if i not in seen:
                        seen.add(i)
                        yield i, *self.items[i]


# ---- the checks ------------------------------------------------------------------------------------


def problems(lay: Layout) -> list[Problem]:
    """Everything wrong with a layout, in a stable order."""
    out: list[Problem] = []
    nodes, titles, elabels = Grid(), Grid(), Grid()
    for nid, b in lay.nodes.items():
        nodes.add(nid, b.shrink(TOL))
    for cid, b in lay.titles.items():
        titles.add(cid, b.shrink(TOL))
    for e in lay.edges:
        for b in e.labels:
            elabels.add(e.id, b.shrink(TOL))
    for e in lay.edges:
        hit: dict[tuple[str, str], None] = {}
        for x, y in e.points:
            for nid, _ in (n for n in nodes.at(x, y) if n[1].holds(x, y)):
                if nid not in (e.tail, e.head):
                    hit["crosses node", nid] = None
            for cid, _ in (t for t in titles.at(x, y) if t[1].holds(x, y)):
                hit["crosses title", cid] = None
            for eid, _ in (t for t in elabels.at(x, y) if t[1].holds(x, y)):
                if eid != e.id:
                    hit["crosses label", eid] = None
        out += [Problem(kind, e.id, other) for kind, other in hit]
        if _hooked(e.points, lay.rankdir):
            out.append(Problem("hook", e.id))
        for b in e.labels:
            if e.points and min(b.gap(x, y) for x, y in e.points) > FAR:
                out.append(Problem("far label", e.id))
    out += _overlaps(lay)
    for owner, box, text in [*((n, lay.nodes[n], t) for n, t in lay.node_text.items()),
                             *((c, lay.clusters[c], t) for c, t in lay.title_text.items())]:
        if any(not b.within(box) for b in text):
            out.append(Problem("overflow", owner))
    return out


def _hooked(points: list[tuple[float, float]], rankdir: str) -> bool:
    """Whether the curve ever runs back against the flow (down the page for TB, right for LR)."""
    if rankdir == "LR":
        along = [x for x, _ in points]
    else:
        along = [-y for _, y in points]
    best = float("-inf")
    for a in along:
        if a < best - HOOK:
            return True
        best = max(best, a)
    return False


def _overlaps(lay: Layout) -> list[Problem]:
    """Labels that overlap: node boxes, titles and edge labels, pairwise."""
    grid = Grid()
    for nid, b in lay.nodes.items():
        grid.add(nid, b)
    for cid, b in lay.titles.items():
        grid.add(cid, b)
    for e in lay.edges:
        for b in e.labels:
            grid.add(e.id, b)
    out: dict[tuple[str, str], None] = {}
    for i, (owner, b) in enumerate(grid.items):
        for j, other, ob in grid.near(b.shrink(TOL)):
            if j > i and other != owner and b.shrink(TOL).meets(ob.shrink(TOL)):
                out[owner, other] = None
    return [Problem("overlap", a, b) for a, b in out]


# ---- entry points ----------------------------------------------------------------------------------


def layout(source: str) -> Layout:
    """Lay DOT text out with Graphviz and read the geometry back."""
    from archspec.backends.graphviz import run_dot

    return read(json.loads(run_dot(source, "json")))


def check(source: str) -> list[Problem]:
    """The problems in the drawing of DOT text ``source`` (needs Graphviz's ``dot``)."""
    return problems(layout(source))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    bad = 0
    for path in args:
        with open(path, encoding="utf-8") as f:
            found = check(f.read())
        for p in found:
            print(f"{path}: {p}")
        bad += len(found)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
