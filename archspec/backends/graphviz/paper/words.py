"""What a paper-style figure writes for each op, in the papers' terms: '1×1, 64', '3×3 dwise, 144, /2',
'3×3 max pooling', 'Filter concatenation'.

Each op of the layer graph has one entry in ``ROLE``: drawn as a box or a circle, or left out and
written beside the edge it sits on (activations, non-batch norms), or left out silently (batch
norms, the papers omit them; reshapes). Tables keyed by op name, so a new op is one row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archspec.graph import Node
from archspec.layerops.conv import hw, size_text

Text = Callable[[Node], str]


def _stride(s: Any) -> list[str]:
    """ResNet's '/2' for a stride of 2; '/2×1' for an uneven one."""
    sh, sw = hw(s)
    return [] if (sh, sw) == (1, 1) else [f"/{sh}" if sh == sw else f"/{sh}×{sw}"]


def conv(n: Node) -> str:
    """'1×1, 64'; '3×3 dwise, 144, /2'; '3×3, 128, g=32'; '3×3, 64, dilation 2'."""
    a = n.attrs
    kh, kw = hw(a.k)
    depthwise = a.g > 1 and a.g == a.in_c == a.out_c
    parts = [f"{kh}×{kw}" + (" dwise" if depthwise else ""), str(a.out_c), *_stride(a.s)]
    parts += [f"g={a.g}"] if a.g > 1 and not depthwise else []
    parts += [f"dilation {size_text(a.d)}"] if a.d != 1 else []
    return ", ".join(parts)


def pool(kind: str) -> Text:
    """'3×3 max pooling', '2×2 avg pooling, /2', 'global avg pooling', for pooling of ``kind``."""
    return lambda n: _pool(n, kind)


def _pool(n: Node, kind: str) -> str:
    a = n.attrs
    if a.mode == "global":
        return f"global {kind} pooling"
    if a.mode == "adaptive":
        return f"{kind} pooling to {a.size}×{a.size}"
    kh, kw = hw(a.k)
    return ", ".join([f"{kh}×{kw} {kind} pooling", *_stride(a.s)])


def linear(n: Node) -> str:
    """'fc, 1000'; a linear layer over channels-last maps is the papers' pointwise conv, '1×1, 384'."""
    return ("1×1, " if len(n.out) == 3 else "fc, ") + str(n.attrs.out_f)


def concat(n: Node) -> str:
    """Inception's 'Filter concatenation' for three branches or more; 'Concat' (ShuffleNet's word) for two."""
    return "Filter concatenation" if len(n.inputs) >= 3 else "Concat"


def _fixed(text: str) -> Text:
    return lambda n: text


# How an op is drawn: "box" or "circle" (its text from ``BOX_TEXT``), "split" (slices of one tensor,
# drawn as one 'channel split' box), "note" (left out, its word written beside the edge), "omit"
# (left out silently).
ROLE: dict[str, str] = {
    "conv": "box", "linear": "box", "maxpool": "box", "avgpool": "box", "mean": "box", "shuffle": "box",
    "upsample": "box", "softmax": "box", "concat": "box",
    "add": "circle", "mul": "circle",
    "slice": "split",
    "act": "note", "norm": "note", "dropout": "note",
    "droppath": "omit", "layerscale": "omit", "flatten": "omit", "permute": "omit", "pad": "omit", "zeropad": "omit",
}
BOX_TEXT: dict[str, Text] = {
    "conv": conv, "linear": linear, "maxpool": pool("max"), "avgpool": pool("avg"), "concat": concat,
    "mean": _fixed("global avg pooling"), "shuffle": _fixed("Channel shuffle"), "softmax": _fixed("softmax"),
    "upsample": lambda n: f"upsample ×{n.attrs.scale}",
    "add": _fixed("+"), "mul": _fixed("×"),
}
# Activations by the names the papers use; others by their own name.
ACT_NAMES = {"hardswish": "h-swish", "hardsigmoid": "h-sigmoid", "leaky_relu": "leaky relu"}
# Norms the papers draw (ConvNeXt's LN); batch norms they leave out, and so does the figure.
NORM_NAMES = {"ln": "LN", "gn": "GN"}


# Ops left out without a word whose absence the caption states ('BN omitted').
OMITTED = {"norm": "BN"}
# Joins drawn as one with the join of the same op they feed (Inception v3's nested concatenations).
MERGED = {"concat"}


def note(n: Node) -> str | None:
    """The word written beside an edge for an op left out of the figure ('relu', 'LN'); None: nothing."""
    word = NOTES.get(n.op)
    return word(n) if word is not None else None


NOTES: dict[str, Callable[[Node], str | None]] = {
    "act": lambda n: None if n.attrs.kind == "identity" else ACT_NAMES.get(n.attrs.kind, n.attrs.kind),
    "norm": lambda n: NORM_NAMES.get(n.attrs.kind),
    "dropout": lambda n: f"dropout {n.attrs.p:g}",
}


def role(n: Node) -> str:
    """How the figure draws op ``n``; an op the table lacks is a box with the layer graph's own label."""
    return ROLE.get(n.op, "box")


def box_text(n: Node) -> str:
    text = BOX_TEXT.get(n.op)
    return text(n) if text is not None else n.defn.label(n.attrs, None)
