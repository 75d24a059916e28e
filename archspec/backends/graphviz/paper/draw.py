"""Writing a paper-style figure as DOT: plain boxes with thin outlines, ⊕ circles, words beside the
arrows, the shortcut as an arc on the side, '×k' frames around folded runs, a title line on top."""

from __future__ import annotations

from dataclasses import dataclass, field

from archspec.backends.graphviz.dot import attrs, quote
from archspec.backends.graphviz.labels import Html, esc
from archspec.backends.graphviz.paper.figure import INPUT, OUTPUT, Figure
from archspec.backends.graphviz.theme import Theme

# For estimating widths: DejaVu Sans at 11 points is about 0.09 inch a character; a box's side
# margin, the gap between boxes and a box's height, in inches.
CHAR_IN, MARGIN_IN, NODESEP_IN, BOX_IN = 0.09, 0.16, 0.3, 0.3
# Per box shape: its DOT attributes beyond the defaults (a plain box).
SHAPES: dict[str, dict[str, str | int | float | None]] = {
    "box": {},
    "circle": {"shape": "circle", "fixedsize": "true", "width": 0.26, "fontsize": 13, "margin": 0},
    "text": {"shape": "plaintext", "style": "", "height": 0.2},
    "fork": {"shape": "point", "width": 0.02, "label": ""},
    "lane": {"shape": "plaintext", "style": "", "height": 0.2, "fontsize": 10, "margin": 0.02},
}


def spine(fig: Figure) -> list[str]:
    """The longest path from the input to the output: drawn as a straight line."""
    best: dict[str, list[str]] = {}

    def longest(bid: str) -> list[str]:
        if bid not in best:
            best[bid] = [bid]  # guards a cycle, which a layer graph never has
            tails = [longest(lk.dst) for lk in fig.out_links(bid)]
            best[bid] = [bid, *max(tails, key=len, default=[])]
        return best[bid]

    path = longest(INPUT)
    # Branches side by side (Inception's four) stay unaligned, so their fan-out and join sit centred.
    side = between(fig)
    return [b for b in path if b not in side]


def beside(fig: Figure, path: list[str], side: set[str]) -> list[tuple[str, str]]:
    """Side paths (a projection shortcut) level with the middle of the stretch of the main path they
    run beside: (main box, side box) pairs to put on one rank."""
    on = {b: i for i, b in enumerate(path)}
    out = []
    for lk in fig.links:
        if lk.src not in on or lk.dst in on or lk.dst in side:
            continue
        chain = [lk.dst]
        while len(fig.out_links(chain[-1])) == 1 and fig.out_links(chain[-1])[0].dst not in on:
            chain.append(fig.out_links(chain[-1])[0].dst)
        ends = fig.out_links(chain[-1])
        if len(ends) != 1 or any(len(fig.in_links(b)) != 1 for b in chain):
            continue
        stretch = [b for b in path[on[lk.src] + 1:on[ends[0].dst]] if fig.boxes[b].shape == "box"]
        if len(stretch) >= len(chain):
            first = (len(stretch) - len(chain)) // 2
            out += list(zip(stretch[first:], chain, strict=False))
    return out


def between(fig: Figure) -> set[str]:
    """The boxes on the branches from a fan-out of three or more to a join of three or more."""
    def reach(start: list[str], forward: bool) -> set[str]:
        seen: set[str] = set()
        todo = list(start)
        while todo:
            b = todo.pop()
            for lk in (fig.out_links(b) if forward else fig.in_links(b)):
                nxt = lk.dst if forward else lk.src
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    fans = [b for b in fig.boxes if len(fig.out_links(b)) >= 3]
    joins = [b for b in fig.boxes if len(fig.in_links(b)) >= 3]
    return reach(fans, True) & reach(joins, False)


def span(fig: Figure, join: str, rankdir: str = "TB") -> float:
    """About how wide (how tall, left to right), in inches, the branches into a join of three or more
    are: the join's box spans them, as Inception's 'Filter concatenation' does."""
    def widest(b: str, seen: set[str]) -> int:
        if b in seen or len(fig.out_links(b)) >= 3:
            return 0
        seen.add(b)
        return max([len(fig.boxes[b].text), *(widest(lk.src, seen) for lk in fig.in_links(b))])

    chars = [widest(lk.src, set()) for lk in fig.in_links(join)]
    if rankdir == "LR":
        return (BOX_IN + NODESEP_IN) * len(chars) - NODESEP_IN
    return sum(c * CHAR_IN + 2 * MARGIN_IN for c in chars) + NODESEP_IN * (len(chars) - 1)


def caption(theme: Theme, title: list[str], notes: list[str]) -> Html:
    """The title lines, bold then plain, and the notes, smaller and grey."""
    parts = [f"<b>{esc(title[0])}</b>", *map(esc, title[1:])]
    parts += [f'<font point-size="10" color="{theme.muted}">{esc(n)}</font>' for n in notes]
    return Html("<br/>".join(parts))


@dataclass
class Panel:
    """One figure of a drawing: ``ends`` the words at its input and output ('256-d'); ``heading``
    its title lines when several stand side by side."""

    fig: Figure
    ends: tuple[str, str]
    key: str = ""  # the path drawn, which the panel's ids start with
    heading: list[str] = field(default_factory=list)


def dot(panels: list[Panel], theme: Theme, rankdir: str, name: str, title: list[str], notes: list[str]) -> str:
    """The figures as DOT text, side by side (one above the other, left to right) under one title."""
    t = theme
    g = {"id": "figure", "class": "archspec paper", "label": caption(t, title, notes), "labelloc": "t",
         "rankdir": rankdir, "bgcolor": t.background, "fontname": t.font, "fontsize": 12, "fontcolor": t.text,
         "nodesep": NODESEP_IN, "ranksep": 0.22, "newrank": "true", "outputorder": "edgesfirst"}
    n = {"shape": "box", "style": "filled", "fillcolor": t.background, "color": t.text, "fontcolor": t.text,
         "fontname": t.font, "fontsize": 11, "penwidth": 0.9, "height": BOX_IN, "margin": "0.16,0.05"}
    e = {"color": t.text, "fontcolor": t.text, "fontname": t.font, "fontsize": 10, "penwidth": 0.9, "arrowsize": 0.6}
    lines = [f"digraph {quote(name)} {{", f"  graph [{attrs(g)}]", f"  node [{attrs(n)}]", f"  edge [{attrs(e)}]"]
    if len(panels) == 1:
        lines += Writer(panels[0], t, rankdir, "").lines
    # Graphviz draws LR by turning TB, which would stack the panels bottom up: write them in reverse.
    order = list(enumerate(panels))[::-1 if rankdir == "LR" else 1]
    for k, p in order if len(panels) > 1 else []:
        # Ids take the panel's path, so two panels' inputs, outputs and forks stay apart.
        key = p.key or str(k)
        c = {"id": key, "class": "panel", "label": caption(t, p.heading[:1], p.heading[1:]), "labelloc": "t",
             "color": t.background, "fontsize": 11}
        lines += [f"  subgraph {quote(f'cluster_panel{k}')} {{", f"    graph [{attrs(c)}]"]
        lines += ["  " + line for line in Writer(p, t, rankdir, f"{key}/").lines]
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


class Writer:
    """The DOT lines of one panel: its boxes (in their '×k' frames), ranks and arrows."""

    def __init__(self, p: Panel, theme: Theme, rankdir: str, prefix: str) -> None:
        self.fig, self.t, self.rankdir, self.prefix = p.fig, theme, rankdir, prefix
        self.lines: list[str] = []
        fig = p.fig
        self.path = spine(fig)
        self.main, self.side = set(self.path), between(fig)
        self.texts = {INPUT: p.ends[0], OUTPUT: p.ends[1]}
        self.inside: dict[str | None, list[str]] = {}  # frames nest: each frame's boxes and inner frames
        for fid, f in fig.folds.items():
            self.inside.setdefault(f.parent, []).append(fid)
        self.boxes: dict[str | None, list[str]] = {}
        for bid, b in fig.boxes.items():
            self.boxes.setdefault(b.fold if b.fold in fig.folds else None, []).append(bid)
        self.write(None, 1)
        q = self.q
        self.lines += [f"  {{rank=same; {q(a)}; {q(b)}}}" for a, b in beside(fig, self.path, self.side)]
        self.arrows()

    def q(self, bid: str) -> str:
        return quote(self.prefix + bid)

    def write(self, fold: str | None, depth: int) -> None:
        fig, t, pad = self.fig, self.t, "  " * depth
        # Left to right, Graphviz turns TB's left-to-right order into bottom-to-top: reversed, the first
        # branch is on top.
        for bid in self.boxes.get(fold, [])[::-1 if self.rankdir == "LR" else 1]:
            b = fig.boxes[bid]
            a: dict[str, str | int | float | None] = {"id": self.prefix + bid, "class": b.shape,
                                                      "label": self.texts.get(bid, b.text)}
            a |= SHAPES[b.shape]
            if len(fig.in_links(bid)) >= 3 and b.shape == "box":
                a["height" if self.rankdir == "LR" else "width"] = round(span(fig, bid, self.rankdir), 2)
            if b.shape == "fork":
                a["fillcolor"] = t.text
            if bid in self.main:
                a["group"] = self.prefix + "spine"
            self.lines.append(f"{pad}{self.q(bid)} [{attrs(a)}]")
        for fid in self.inside.get(fold, []):
            self.lines.append(f"{pad}subgraph {quote('cluster_' + self.prefix + fid)} {{")
            c = {"id": self.prefix + fid, "class": "fold", "label": fig.folds[fid].label, "style": "dashed,rounded",
                 "color": t.muted, "fontcolor": t.text, "fontsize": 11, "labeljust": "r", "labelloc": "b", "margin": 14}
            self.lines.append(f"{pad}  graph [{attrs(c)}]")
            self.write(fid, depth + 1)
            self.lines.append(f"{pad}}}")

    def arrows(self) -> None:
        fig, main, side = self.fig, self.main, self.side
        steps = set(zip(self.path, self.path[1:], strict=False))
        for lk in fig.links:
            a = {"id": f"{self.prefix}{lk.src}->{lk.dst}", "class": "identity" if lk.identity else "data"}
            lane = "lane" in (fig.boxes[lk.src].shape, fig.boxes[lk.dst].shape)  # the word is the lane's own
            words = ["identity"] if lk.identity and not lane else []
            words += lk.notes
            if words:
                a["label"] = " " + ", ".join(words)
            if not lk.arrow:
                a["arrowhead"] = "none"
            if (lk.src, lk.dst) not in steps and lk.src not in side and lk.dst not in side:
                a["weight"] = 0  # the main path stays straight; side paths bend around it
                # Top to bottom, a shortcut leaves the main path and comes back into its ⊕ from the side in
                # one smooth arc (left to right, ports would send it in a deep loop under the frames).
                if lk.identity and lk.src in main and self.rankdir == "TB":
                    a["tailport"] = "e"
                if lk.dst in main and fig.boxes[lk.dst].shape == "circle" and self.rankdir == "TB":
                    a["headport"] = "e"
            self.lines.append(f"  {self.q(lk.src)} -> {self.q(lk.dst)} [{attrs(a)}]")
