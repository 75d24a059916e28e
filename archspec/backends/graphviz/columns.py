"""Fitting a block diagram to a page (the compact layout): consecutive stages go into columns (rows
for LR), laid side by side, each break a numbered continuation.

Graphviz lays a network out as one long chain; a deep network then becomes a scroll. Here the
stages are split into contiguous groups whose sizes are estimated from the labels, choosing the
number of groups that brings the drawing closest to a page's proportions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from math import log
from typing import TYPE_CHECKING

from archspec.backends.graphviz.labels import Html, esc

if TYPE_CHECKING:
    from archspec.backends.graphviz.block import Unit

PAGE = 1.3  # length along the data flow over the width across it (portrait for TB, landscape for LR)
LINE_PT, CHAR_PT, GAP_PT = 13.0, 6.0, 40.0  # a label line, a character, and the gap between ranks


def unit_size(lines: int, chars: int) -> tuple[float, float]:
    """(height, width) in points of a node with ``lines`` lines of at most ``chars`` characters."""
    return LINE_PT * lines + 14.0, CHAR_PT * chars + 24.0


def title_size(label: str, stage: bool) -> tuple[float, float]:
    """(width, height) in points of a cluster's title: a bold line, then small ones (HTML-like text)."""
    lines = [re.sub(r"<[^>]+>", "", p) for p in label.split("<br")]
    lines = [ln[ln.find(">") + 1:] if ln.startswith(" align") else ln for ln in lines if ln.strip()]
    bold = (CHAR_PT * 1.25 if stage else CHAR_PT * 1.05) * len(lines[0]) if lines else 0.0
    rest = max((CHAR_PT * 0.9 * len(ln) for ln in lines[1:]), default=0.0)
    return max(bold, rest) + 16.0, LINE_PT * len(lines) + 8.0


def along_across(size: tuple[float, float], rankdir: str) -> tuple[float, float]:
    h, w = size
    return (h, w) if rankdir == "TB" else (w, h)


def partition(lengths: Sequence[float], k: int) -> list[int]:
    """Split ``lengths`` into ``k`` contiguous groups minimising the longest; the group of each item."""
    n = len(lengths)
    prefix = [0.0]
    for x in lengths:
        prefix.append(prefix[-1] + x)
    inf = float("inf")
    # best[j][i]: the longest group splitting the first i items into j groups; cut[j][i]: where the last group starts
    best = [[inf] * (n + 1) for _ in range(k + 1)]
    cut = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for j in range(1, k + 1):
        for i in range(j, n + 1):
            for s in range(j - 1, i):
                v = max(best[j - 1][s], prefix[i] - prefix[s])
                if v < best[j][i] - 1e-9:
                    best[j][i], cut[j][i] = v, s
    groups = [0] * n
    i = n
    for j in range(k, 0, -1):
        s = cut[j][i]
        for m in range(s, i):
            groups[m] = j - 1
        i = s
    return groups


def plan(stages: Sequence[tuple[float, float]], page: float = PAGE) -> list[int]:
    """The column of each stage, from each stage's (length along the flow, width across it)."""
    n = len(stages)
    if n == 0:
        return []
    best: tuple[float, list[int]] | None = None
    for k in range(1, n + 1):
        groups = partition([a for a, _ in stages], k)
        along = [0.0] * k
        across = [0.0] * k
        for g, (a, c) in zip(groups, stages, strict=True):
            along[g] += a
            across[g] = max(across[g], c)
        score = abs(log(max(along) / max(sum(across), 1.0)) - log(page))
        if best is None or score < best[0] - 1e-9:
            best = (score, groups)
    assert best is not None
    return best[1]


def stage_columns(units: Sequence[Unit], title: Callable[[int], str], rankdir: str) -> dict[int, int]:
    """Which column (row, for LR) each stage goes in, from the estimated size of its units;
    ``title(cluster id)`` is a cluster's title label."""
    sizes: dict[int, list[float]] = {}  # stage id -> [along the flow, across it, the titles beside the first row]
    prev_lane: int | None = None
    group = [0.0, 0.0]  # the current row of side-by-side branches
    titled: set[int] = set()
    lr = rankdir == "LR"
    for u in units:
        lines = u.lines()
        a, c = along_across(unit_size(len(lines), max(map(len, lines), default=8)), rankdir)
        st = sizes.setdefault(u.clusters[0], [0.0, 0.0, 0.0])
        for k, cid in enumerate(u.clusters):
            if cid not in titled:  # a cluster's title stands beside its first row (above it, for LR)
                titled.add(cid)
                w, _ = title_size(title(cid), stage=k == 0)
                if lr:
                    st[0] += GAP_PT / 2
                    st[2] = max(st[2], w)
                else:
                    st[2] += w + GAP_PT / 2
        if u.side:  # beside the block's body
            st[1] = max(st[1], group[1] + c)
            continue
        if u.lane is not None and u.lane == prev_lane:
            st[0] += max(0.0, a - group[0])
            group = [max(group[0], a), group[1] + c]
        else:
            st[0] += a + GAP_PT
            group = [a, c]
        st[1] = max(st[1], group[1])
        prev_lane = u.lane
    cols = plan([(a + (t if lr else 0), c + (0 if lr else t)) for a, c, t in sizes.values()])
    return dict(zip(sizes, cols, strict=True))


def mark(n: int) -> str:
    """The mark of the n-th continuation (from 1): a filled circled digit, as flowcharts' off-page
    connectors have (DejaVu Sans draws ❶ to ❿)."""
    return chr(0x2775 + n) if 1 <= n <= 10 else f"({n})"


def continuation(n: int, text: str) -> Html:
    """A continuation's label: its mark, large, then where the flow goes or comes from."""
    return Html(f'<font point-size="14">{mark(n)}</font> <b>{esc(text)}</b>')
