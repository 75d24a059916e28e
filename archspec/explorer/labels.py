"""Labels for a scatter plot that do not overlap: each placed beside its dot where it collides with
no other label, no dot and no edge, found in rings of candidate spots farther and farther out.

The chart is drawn at a fixed size on log axes whose domains are set here, so where a label lands
in pixels is known before the browser draws it. Text widths are estimated from the characters
(sans-serif at ``FONT_PX``), a little wide on purpose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FONT_PX = 12
DOT_R = 7.0  # a dot of size 140 (its area in px²) has a radius of ~6.7 px
GAP = 3.0  # the least room between two labels, or a label and a dot
_NARROW = set("il.,:;'|!Ijtfr()[] ")
_WIDE = set("mwMW@%")


def text_width(text: str, font_px: float = FONT_PX) -> float:
    """The width of a line of sans-serif text in pixels, estimated (a little over, not under)."""
    units = sum(0.32 if ch in _NARROW else 0.9 if ch in _WIDE else 0.68 if ch.isupper() else 0.58 for ch in text)
    return units * font_px + 2


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def hits(self, other: Box, gap: float = GAP) -> bool:
        apart_x = self.x1 + gap <= other.x0 or other.x1 + gap <= self.x0
        return not (apart_x or self.y1 + gap <= other.y0 or other.y1 + gap <= self.y0)

    def hits_dot(self, x: float, y: float, r: float = DOT_R) -> bool:
        nx, ny = min(max(x, self.x0), self.x1), min(max(y, self.y0), self.y1)
        return (nx - x) ** 2 + (ny - y) ** 2 < (r + GAP) ** 2

    def overlap(self, other: Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return max(w, 0.0) * max(h, 0.0)


@dataclass(frozen=True)
class Placed:
    """A label's box in pixels (y down), and whether it sits away from its dot (a leader line joins them)."""

    box: Box
    far: bool

    @property
    def anchor(self) -> tuple[float, float]:
        """Where the text starts: its left edge, at mid-height (align left, baseline middle)."""
        return self.box.x0, (self.box.y0 + self.box.y1) / 2


# Where a label may go around its dot, as (dx, dy) directions, in order of preference: right, left,
# above, below, then the corners.
_DIRECTIONS = [(1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (1, 1), (-1, -1), (-1, 1)]


def _box_at(x: float, y: float, w: float, h: float, dx: int, dy: int, dist: float) -> Box:
    if dx > 0:
        x0 = x + dist
    elif dx < 0:
        x0 = x - dist - w
    else:
        x0 = x - w / 2
    if dy < 0:
        y0 = y - dist - h
    elif dy > 0:
        y0 = y + dist
    else:
        y0 = y - h / 2
    return Box(x0, y0, x0 + w, y0 + h)


def place(points: list[tuple[float, float]], texts: list[str], width: float, height: float,
          font_px: float = FONT_PX, lines: list[Box] | None = None) -> list[Placed]:
    """A box for each label, inside ``width`` × ``height``, clear of every other label, every dot and
    every line (``lines``: thin boxes) where any spot within reach is; else the spot that overlaps least."""
    h = font_px + 3
    order = sorted(range(len(points)), key=lambda i: (points[i][0], points[i][1]))
    placed: dict[int, Placed] = {}
    rings = [DOT_R + 3, DOT_R + 3 + h, DOT_R + 3 + 2.5 * h, DOT_R + 3 + 4 * h, DOT_R + 3 + 6 * h]
    for i in order:
        x, y = points[i]
        w = text_width(texts[i], font_px)
        best: tuple[float, Box, bool] | None = None
        for ring, dist in enumerate(rings):
            for dx, dy in _DIRECTIONS:
                box = _box_at(x, y, w, h, dx, dy, dist)
                if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height:
                    continue
                others = [p.box for p in placed.values()]
                cost = sum(box.overlap(o) + (1000 if box.hits(o) else 0) for o in others)
                cost += sum(1000 for px, py in points if box.hits_dot(px, py))
                cost += sum(500 for line in lines or () if box.hits(line, gap=1))
                cost += ring * 10  # nearer is better, all else equal
                if best is None or cost < best[0]:
                    best = (cost, box, ring > 0)
            if best is not None and best[0] < 1000:
                break
        if best is None:  # the label is wider than the plot: start it at the left edge
            box = Box(0, max(0.0, y - h / 2), w, max(0.0, y - h / 2) + h)
            best = (0.0, box, False)
        placed[i] = Placed(best[1], best[2])
    return [placed[i] for i in range(len(points))]


def log_domain(values: list[float], pad: float = 0.08) -> tuple[float, float]:
    """A log axis's domain (in log10) around positive values, padded by ``pad`` of its span each side."""
    logs = [math.log10(v) for v in values if v > 0] or [0.0]
    lo, hi = min(logs), max(logs)
    span = max(hi - lo, 0.5)
    mid = (lo + hi) / 2
    lo, hi = min(lo, mid - span / 2), max(hi, mid + span / 2)
    return lo - pad * span, hi + pad * span


def step_lines(points: list[tuple[float, float]]) -> list[Box]:
    """The segments of a step-after line through points (in pixels, sorted by x), as thin boxes."""
    out = []
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        out.append(Box(min(x0, x1), y0 - 1, max(x0, x1), y0 + 1))
        out.append(Box(x1 - 1, min(y0, y1), x1 + 1, max(y0, y1)))
    return out
