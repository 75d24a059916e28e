"""A network's stage table as papers print it, read from the layer graph's scope tree (no torch).

``resnet`` is ResNet's Table 1: one row per stage with its output size and its block as bracketed
layers times its repeats (``[1×1, 64; 3×3, 64; 1×1, 256] ×3``); the stem and head list their ops a
row each. ``tcns`` is MobileNet v2's Table 2: per row the input, the operator, the expansion t, the
output channels c, the repeats n and the first stride s. Every row has its params and MACs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from archspec.backends.graphviz.hierarchy import Tree
from archspec.graph import Node, Scope
from archspec.layerops.conv import hw, size_text
from archspec.papertable.model import Bracket, Item, PaperTable, Row

LAYOUTS = ("auto", "resnet", "tcns")
HEADS = {"resnet": ("stage", "output size", "layers"), "tcns": ("input", "operator", "t", "c", "n", "s")}
_SHOWN = ("conv", "linear", "pool")  # op kinds a table names; norms, activations, joins ride along
_EXPANSION = ("t", "e")  # the block argument that is an inverted residual's expansion ratio
NOTE = "params: trainable parameters; MACs: conv+linear multiply-accumulates (bias excluded), the papers' “FLOPs”"


def _conv(a: Any, stride: bool) -> str:
    kh, kw = hw(a.k)
    dw = a.g > 1 and a.g == a.in_c
    words = [f"{kh}×{kw}" + (" dw" if dw else ""), str(a.out_c)]
    words += [f"groups {a.g}"] if a.g > 1 and not dw else []
    words += [f"stride {size_text(a.s)}"] if stride and a.s != 1 else []
    words += [f"dilation {size_text(a.d)}"] if a.d != 1 else []
    return ", ".join(words)


def _pool(what: str) -> Callable[[Any, bool], str]:
    def text(a: Any, stride: bool) -> str:
        if a.mode == "global":
            return f"global {what}"
        if a.mode == "adaptive":
            return f"adaptive {what} → {a.size}×{a.size}"
        kh, kw = hw(a.k)
        return f"{kh}×{kw} {what}" + (f", stride {size_text(a.s)}" if stride and a.s != 1 else "")

    return text


# How ResNet's Table 1 writes each op it names ('7×7, 64, stride 2', '3×3 max pool, stride 2', '1000-d fc');
# an op not here is written as its diagram label.
OP_TEXT: dict[str, Callable[[Any, bool], str]] = {
    "conv": _conv,
    "linear": lambda a, stride: f"{a.out_f}-d fc",
    "mean": lambda a, stride: "global average pool",
    "avgpool": _pool("average pool"),
    "maxpool": _pool("max pool"),
    "shuffle": lambda a, stride: f"channel shuffle, {a.groups} groups",  # ShuffleNet's table names it
}
# MobileNet v2's table names a pool by the operator it is (`avgpool 7×7`).
TCNS_POOL = {"mean": "avgpool", "avgpool": "avgpool", "maxpool": "maxpool"}


def shown(n: Node) -> bool:
    """Whether a table names this op: convs, linears, pools, and the ops ``OP_TEXT`` writes."""
    return n.kind in _SHOWN or n.op in OP_TEXT


def op_text(n: Node, stride: bool = True) -> str:
    """An op as ResNet's Table 1 writes it: '7×7, 64, stride 2', '3×3 max pool, stride 2', '1000-d fc'."""
    text = OP_TEXT.get(n.op)
    return text(n.attrs, stride) if text is not None else n.defn.label(n.attrs)


def out_size(out: Sequence[int]) -> str:
    """The spatial size of an output: 56×56 (a feature vector is 1×1)."""
    return f"{out[1]}×{out[2]}" if len(out) == 3 else "1×1"


def in_size(shape: Sequence[int]) -> str:
    """An input as MobileNet v2's table writes it: 224²×3 (a vector: 1×1×1280)."""
    if len(shape) != 3:
        return f"1×1×{shape[0]}"
    c, h, w = shape
    return f"{h}²×{c}" if h == w else f"{h}×{w}×{c}"


class Builder:
    """Walks the scope tree once per stage and makes the rows of either layout."""

    def __init__(self, net: Any, layout: str) -> None:
        self.net, self.layout = net, layout
        self.g = net.graph
        self.tree = Tree(self.g)

    # ---- what a block is: its layers, nested repeats folded into brackets ----------------------

    def describe(self, scope: Scope) -> tuple[Item, ...]:
        """A scope's layers in order, shortcuts left out, an SE gate in a word, equal sub-blocks in a row
        folded into one bracket (DenseNet's ``[1×1, 128; 3×3, 32] ×6``)."""
        runs: list[tuple[tuple[Item, ...], int, bool]] = []  # (items, repeats, from a child scope)
        for child, nodes in self.tree.items(scope.id):
            if child is None:
                runs += [((op_text(n, stride=False),), 1, False) for n in nodes if shown(n)]
            elif child.kind == "scale":
                runs.append(((self.gate(child),), 1, False))
            elif child.kind != "shortcut":
                part = self.describe(child)
                if runs and runs[-1][2] and runs[-1][0] == part:
                    runs[-1] = (part, runs[-1][1] + 1, True)
                elif part:
                    runs.append((part, 1, True))
        out: list[Item] = []
        for items, k, _ in runs:
            out += [Bracket(items, k)] if k > 1 else items
        return tuple(out)

    def gate(self, sc: Scope) -> str:
        """A channel gate as SENet's table writes it: 'SE [16, 256]'."""
        widths = [n.out[0] for n in self.tree.nodes_in[sc.id] if n.kind in ("conv", "linear")]
        return "SE [" + ", ".join(map(str, widths)) + "]"

    # ---- segments of a stage: runs of equal blocks, and its own ops ----------------------------

    def segments(self, stage: Scope) -> list[tuple[Scope | None, list[Node], int]]:
        """A stage's content in order: (a child scope, its nodes, how many equal ones in a row), or
        (None, [op and the norms and activations after it], 1) for each op of its own."""
        out: list[tuple[Scope | None, list[Node], int]] = []
        last: tuple[Item, ...] | None = None
        for child, nodes in self.tree.items(stage.id):
            if child is None:
                for n in nodes:
                    if shown(n) or not out or out[-1][0] is not None:
                        out.append((None, [n], 1))
                        last = None
                    else:  # a norm, activation, dropout, flatten: part of the op before it
                        out[-1][1].append(n)
                continue
            # ResNet's layout splits a stage where its blocks differ (ShuffleNet's table does); MobileNet
            # v2's is one row per stage: its stride is the first block's, n counts them all.
            desc = self.describe(child) if self.layout == "resnet" else (child.label,)
            if last == desc and out and out[-1][0] is not None and out[-1][0].label == child.label:
                sc, ns, k = out[-1]
                out[-1] = (sc, ns + nodes, k + 1)
            else:
                out.append((child, list(nodes), 1))
            last = desc
        # a run of unnamed ops (flatten, dropout) before any named one joins the next op's row
        merged: list[tuple[Scope | None, list[Node], int]] = []
        for seg in out:
            if merged and merged[-1][0] is None and not any(shown(n) for n in merged[-1][1]):
                seg = (seg[0], merged.pop()[1] + seg[1], seg[2])
            merged.append(seg)
        return merged

    def rows(self) -> list[Row]:
        rows: list[Row] = []
        for stage in self.tree.stages():
            first = True
            for child, nodes, k in self.segments(stage):
                if self.layout == "resnet":
                    cells = (stage.name if first else "", *self.resnet_cells(child, nodes, k))
                else:
                    cells = self.tcns_cells(stage, child, nodes, k)
                rows.append(Row(cells, sum(n.params for n in nodes), sum(n.macs for n in nodes), first))
                first = False
        return rows

    def resnet_cells(self, child: Scope | None, nodes: list[Node], k: int) -> tuple[Any, ...]:
        """Output size and layers of one segment of a stage."""
        if child is None:
            main = [n for n in nodes if shown(n)] or nodes[:1]
            layers: tuple[Item, ...] = tuple(op_text(n) for n in main)
        else:
            desc = self.describe(child)
            layers = (Bracket(desc, k),) if k > 1 or child.kind == "block" else desc
        return (out_size(nodes[-1].out), layers)

    def tcns_cells(self, stage: Scope, child: Scope | None, nodes: list[Node], k: int) -> tuple[str, ...]:
        first = nodes[0]
        shape = self.g.input if first.inputs[0] < 0 else self.g.nodes[first.inputs[0]].out
        c = str(nodes[-1].out[0])
        if child is None:
            main = next((n for n in nodes if shown(n)), first)
            a: Any = main.attrs
            if main.kind == "conv":
                kh, kw = hw(a.k)
                dw = " dw" if a.g > 1 and a.g == a.in_c else ""
                return (in_size(shape), f"conv2d {kh}×{kw}{dw}", "-", c, "1", size_text(a.s))
            if main.op in TCNS_POOL:
                h, w = (shape[1], shape[2]) if len(shape) == 3 else (1, 1)
                glob = getattr(a, "mode", "global") != "window"  # `mean` pools globally
                size = f"{h}×{w}" if glob else "×".join(map(str, hw(a.k)))
                name = TCNS_POOL[main.op]
                return (in_size(shape), f"{name} {size}", "-", "-", "1", "-" if glob else size_text(a.s))
            return (in_size(shape), main.defn.label(main.attrs).split(" ")[0], "-", c, "1", "-")
        info = stage.info if stage.info.get("block") == child.label else child.info
        t = next((info[key] for key in _EXPANSION if key in info), None)
        operator = child.label + (f", k{info['k']}×{info['k']}" if isinstance(info.get("k"), int) else "")
        s = info.get("s", "-")
        return (in_size(shape), operator, "-" if t is None else f"{t:g}", c, str(k), str(s))


def auto_layout(net: Any) -> str:
    """``tcns`` when a stage's block has an expansion ratio (an inverted residual), else ``resnet``."""
    blocky = [s.info for s in net.stages if s.info.get("block")]
    return "tcns" if any(key in info for info in blocky for key in _EXPANSION) else "resnet"


def build(net: Any, layout: str = "auto") -> PaperTable:
    """The paper-style stage table of an analysed network (``archspec.load``'s ``Network``)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout `{layout}`; choose one of {', '.join(LAYOUTS)}")
    if layout == "auto":
        layout = auto_layout(net)
    title = net.title + (f" [{net.variant}]" if net.variant else "") + " — input " + "×".join(map(str, net.input))
    table = PaperTable(title, layout, HEADS[layout], Builder(net, layout).rows(), net.params, net.macs, [NOTE])
    return table
