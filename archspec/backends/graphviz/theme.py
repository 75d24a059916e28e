"""Colours for diagrams: the Okabe–Ito palette by op kind, a light and a dark theme, the legend.

Okabe and Ito's eight colours stay distinguishable under the common colour-vision deficiencies;
node fills are tints of them (so dark text stays readable) and borders the full colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from archspec.layerops import all_ops

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}

# Diagram kinds: the layer graph's op kinds, "other" for the minor ones, "block" for folded blocks.
KIND_HUE = {
    "conv": OKABE_ITO["blue"],
    "norm": OKABE_ITO["yellow"],
    "act": OKABE_ITO["green"],
    "pool": OKABE_ITO["sky"],
    "linear": OKABE_ITO["purple"],
    "merge": OKABE_ITO["vermillion"],
    "other": OKABE_ITO["grey"],
    "block": OKABE_ITO["orange"],
}
KIND_DOC = {
    "conv": "convolution",
    "norm": "normalisation",
    "act": "activation",
    "pool": "pooling",
    "linear": "fully connected",
    "merge": "add · concat · scale",
    "other": "dropout · flatten · pad",
    "block": "folded blocks",
}
# Which kind colours a node holding several ops: the one doing the heaviest work.
KIND_PRIORITY = ("conv", "linear", "pool", "merge", "norm", "act", "other", "block")


def kind_of(op: str) -> str:
    """The diagram kind of a layer-graph op (``conv``, ``norm``, ..., ``other``)."""
    d = all_ops().get(op)
    k = d.kind if d is not None else "other"
    return k if k in KIND_HUE else "other"


def dominant(kinds: list[str] | tuple[str, ...]) -> str:
    for k in KIND_PRIORITY:
        if k in kinds:
            return k
    return "other"


@cache  # a handful of colour pairs, asked for by every node of every diagram
def _mix(a: str, b: str, t: float) -> str:
    """``t`` of colour ``a`` over colour ``b``, as #rrggbb (integer maths: stable output)."""
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * t + y * (1 - t)):02X}" for x, y in zip(ca, cb, strict=True))


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    muted: str  # secondary text, edges
    cluster_fill: str
    cluster_line: str
    block_fill: str
    tint: float  # how much of the kind colour goes into a node's fill
    # DejaVu Sans: installed by scripts/setup.sh (fonts-dejavu-core), what Graphviz measures labels with,
    # so rsvg, cairo (png, pdf) and a browser that has it draw the same; it is wide, so a browser that
    # falls back to its own sans-serif still fits the text in its boxes.
    font: str = "DejaVu Sans, sans-serif"

    def fill(self, kind: str) -> str:
        return _mix(KIND_HUE[kind], self.background, self.tint)

    def line(self, kind: str) -> str:
        return KIND_HUE[kind]


THEMES = {
    "light": Theme("light", "#FFFFFF", "#1A1A1A", "#555555", "#F6F6F6", "#BBBBBB", "#FFFFFF", 0.28),
    "dark": Theme("dark", "#1E1E1E", "#E8E8E8", "#AAAAAA", "#272727", "#555555", "#2A2A2A", 0.35),
}


def get_theme(name: str) -> Theme:
    if name not in THEMES:
        raise ValueError(f"unknown theme `{name}`; choose one of {', '.join(THEMES)}")
    return THEMES[name]
