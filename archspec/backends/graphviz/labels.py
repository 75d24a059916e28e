"""What diagrams say: op descriptions, shapes, counts, and the HTML-like labels that hold them."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape
from typing import Any

from archspec.backends.graphviz.theme import KIND_HUE, Theme
from archspec.graph import Node

MACS_NOTE = "MACs: conv+linear multiply-accumulates"
SWATCH = "■"


def shape(s: Sequence[int]) -> str:
    """(256, 56, 56) → '256×56×56'."""
    return "×".join(str(d) for d in s)


def count(n: int) -> str:
    """Three significant figures with a K/M/G/T suffix: 9408 → '9.41 K', 118013952 → '118 M'."""
    for div, suffix in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K")):
        if abs(n) >= div:
            v = n / div
            digits = 2 if v < 10 else 1 if v < 100 else 0
            return f"{v:.{digits}f} {suffix}"
    return str(n)


def cost(params: int, macs: int, *, brief: bool = False) -> str:
    """'9.41 K params · 118 M MACs'; ``brief`` leaves out a zero."""
    parts = [(params, "params"), (macs, "MACs")]
    return " · ".join(f"{count(v)} {unit}" for v, unit in parts if v or not brief)


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def config(info: dict[str, Any], width: int = 44) -> list[str]:
    """Resolved block arguments as lines of ``c=256 s=2 ...`` at most ``width`` characters long."""
    skip = {"block", "repeats", "blocks"}
    words = [f"{k}={_num(v)}" for k, v in info.items()
             if k not in skip and isinstance(v, (int, float, str)) and not isinstance(v, bool)]
    return textwrap.wrap(" ".join(words), width, break_long_words=False, break_on_hyphens=False)


# A block's arguments in the papers' terms, in the order the papers' tables give them: the argument's
# name -> how it reads. Arguments not here (rates, flags, derived widths) go to the tooltip only.
PAPER_ARGS: dict[str, str] = {
    "c": "width {}",
    "expansion": "expansion {}", "t": "expansion {}", "e": "expansion {}", "exp": "exp size {}",
    "groups": "groups {}", "g": "group width {}", "b": "bottleneck ratio {}",
    "s": "stride {}",
    "k": "kernel {0}×{0}",
    "se": "SE {}",
    "n": "{} layers", "growth": "growth {}",
    "squeeze": "squeeze {}", "expand1": "expand 1×1 {}", "expand3": "expand 3×3 {}",
}
# Values that say nothing: the default of an argument that is usually left alone.
_QUIET = {"groups": (1,), "se": (0, 0.0, False), "s": (), "b": ()}


def paper_args(info: dict[str, Any], width: int = 48) -> list[str]:
    """A block's arguments as the papers give them ('width 128 · expansion 4 · stride 2'), wrapped."""
    words = []
    for key, fmt in PAPER_ARGS.items():
        v = info.get(key)
        if v is None or isinstance(v, (list, dict)) or v in _QUIET.get(key, ()):
            continue
        words.append("SE" if key == "se" and v is True else fmt.format(_num(v)))
    lines: list[str] = []
    for w in words:
        if lines and len(lines[-1]) + 3 + len(w) <= width:
            lines[-1] += f" · {w}"
        else:
            lines.append(w)
    return lines


def op_text(n: Node, ins: list[tuple[int, ...]] | None = None) -> str:
    """A short description of one op, from its registry entry: 'conv 3×3, 64, s2', 'maxpool 3×3, s2', 'fc 1000';
    with the input shapes, a join says what it joins ('concat 64+128')."""
    return n.defn.label(n.attrs, ins)


def attachable(n: Node) -> bool:
    """Norms and activations read as suffixes of the op before them: 'conv 3×3, 64 · bn · relu'."""
    return n.defn.suffix


# ---- HTML-like labels ------------------------------------------------------------------------


def esc(s: str) -> str:
    return escape(s, quote=True)


class Html(str):
    """A Graphviz HTML-like label: written as <...> rather than quoted."""


def table(theme: Theme, title: str | None, rows: Sequence[tuple[str | None, str]], notes: Sequence[str] = (),
          subtitle: Sequence[str] = ()) -> Html:
    """A node label: a bold title, one row per op (a swatch of its kind's colour, then the text), small notes."""
    out = ['<table border="0" cellborder="0" cellspacing="0" cellpadding="1">']
    if title:
        out.append(f'<tr><td align="left"><b>{esc(title)}</b></td></tr>')
    for line in subtitle:
        out.append(f'<tr><td align="left"><font point-size="9">{esc(line)}</font></td></tr>')
    for kind, text in rows:
        # A coloured glyph, not a coloured cell: cells stretch with the widest row.
        swatch = f'<font color="{KIND_HUE[kind]}">{SWATCH}</font> ' if kind else ""
        out.append(f'<tr><td align="left">{swatch}{esc(text)}</td></tr>')
    for note in notes:
        out.append(f'<tr><td align="left"><font point-size="8" color="{theme.muted}">{esc(note)}</font></td></tr>')
    out.append("</table>")
    return Html("".join(out))


def caption(theme: Theme, title: str, notes: Sequence[str] = ()) -> Html:
    """A cluster or graph label: a bold line, then smaller lines, left-aligned."""
    parts = [f"<b>{esc(title)}</b>"]
    parts += [f'<font point-size="9" color="{theme.muted}">{esc(n)}</font>' for n in notes]
    return Html("".join(p + '<br align="left"/>' for p in parts))
