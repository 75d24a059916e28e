"""Writing a paper-style figure as DOT: plain boxes with thin outlines, ⊕ circles, words beside the
arrows, the shortcut as an arc on the side, '×k' frames around folded runs, a title line on top."""

from __future__ import annotations

from archspec.backends.graphviz.dot import attrs, quote
from archspec.backends.graphviz.labels import Html, esc
from archspec.backends.graphviz.paper.figure import INPUT, OUTPUT, Figure
from archspec.backends.graphviz.theme import Theme

# Per box shape: its DOT attributes beyond the defaults (a plain box).
# For estimating widths: DejaVu Sans at 11 points is about 0.09 inch a character.
CHAR_IN, MARGIN_IN, NODESEP_IN, BOX_IN = 0.09, 0.16, 0.3, 0.3
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


def dot(fig: Figure, theme: Theme, rankdir: str, name: str, title: list[str], notes: list[str],
        ends: tuple[str, str]) -> str:
    """The figure as DOT text; ``ends``: the words at the input and the output ('256-d')."""
    t = theme
    g = {"id": "figure", "class": "archspec paper", "label": caption(t, title, notes), "labelloc": "t",
         "rankdir": rankdir, "bgcolor": t.background, "fontname": t.font, "fontsize": 12, "fontcolor": t.text,
         "nodesep": NODESEP_IN, "ranksep": 0.22, "newrank": "true", "outputorder": "edgesfirst"}
    n = {"shape": "box", "style": "filled", "fillcolor": t.background, "color": t.text, "fontcolor": t.text,
         "fontname": t.font, "fontsize": 11, "penwidth": 0.9, "height": BOX_IN, "margin": "0.16,0.05"}
    e = {"color": t.text, "fontcolor": t.text, "fontname": t.font, "fontsize": 10, "penwidth": 0.9, "arrowsize": 0.6}
    lines = [f"digraph {quote(name)} {{", f"  graph [{attrs(g)}]", f"  node [{attrs(n)}]", f"  edge [{attrs(e)}]"]
    path = spine(fig)
    main, steps, side = set(path), set(zip(path, path[1:], strict=False)), between(fig)
    texts = {INPUT: ends[0], OUTPUT: ends[1]}
    # Folds nest: write each frame with its boxes and the frames inside it.
    inside: dict[str | None, list[str]] = {}
    for fid, f in fig.folds.items():
        inside.setdefault(f.parent, []).append(fid)
    boxes: dict[str | None, list[str]] = {}
    for bid, b in fig.boxes.items():
        boxes.setdefault(b.fold if b.fold in fig.folds else None, []).append(bid)

    def write(fold: str | None, depth: int) -> None:
        pad = "  " * depth
        for bid in boxes.get(fold, []):
            b = fig.boxes[bid]
            a: dict[str, str | int | float | None] = {"id": bid, "class": b.shape, "label": texts.get(bid, b.text)}
            a |= SHAPES[b.shape]
            if len(fig.in_links(bid)) >= 3 and b.shape == "box":
                a["height" if rankdir == "LR" else "width"] = round(span(fig, bid, rankdir), 2)
            if b.shape == "fork":
                a["fillcolor"] = t.text
            if bid in main:
                a["group"] = "spine"
            lines.append(f"{pad}{quote(bid)} [{attrs(a)}]")
        for fid in inside.get(fold, []):
            f = fig.folds[fid]
            lines.append(f"{pad}subgraph {quote('cluster_' + fid)} {{")
            c = {"id": fid, "class": "fold", "label": f.label, "style": "dashed,rounded", "color": t.muted,
                 "fontcolor": t.text, "fontsize": 11, "labeljust": "r", "labelloc": "b", "margin": 14}
            lines.append(f"{pad}  graph [{attrs(c)}]")
            write(fid, depth + 1)
            lines.append(f"{pad}}}")

    write(None, 1)
    lines += [f"  {{rank=same; {quote(a)}; {quote(b)}}}" for a, b in beside(fig, path, side)]
    for lk in fig.links:
        a = {"id": f"{lk.src}->{lk.dst}", "class": "identity" if lk.identity else "data"}
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
            if lk.identity and lk.src in main and rankdir == "TB":
                a["tailport"] = "e"
            if lk.dst in main and fig.boxes[lk.dst].shape == "circle" and rankdir == "TB":
                a["headport"] = "e"
        lines.append(f"  {quote(lk.src)} -> {quote(lk.dst)} [{attrs(a)}]")
    lines.append("}")
    return "\n".join(lines) + "\n"
