"""Scaling: generated specs of 10 to 10,000 blocks, the time and memory to load and analyse each."""

from __future__ import annotations

import math
from pathlib import Path

from bench.measure import PYTHON, ms, run_json
from bench.page import Section, Target, table

SIZES = (10, 30, 100, 300, 1000, 3000, 10_000)

# A fresh process (no torch, nothing else loaded): warm up the parser and the prelude, then for each
# size time loads untraced (median), and take one traced load's tracemalloc peak.
CHILD = """\
import json, statistics, sys, time, tracemalloc
import archspec
from archspec import Budget

def text(n):
    body = "".join("  basic 16\\n" for _ in range(n))
    head = "head:\\n  avgpool global\\n  flatten\\n  fc 10\\n"
    return f"network gen{n}\\ninput 3x8x8\\nstem:\\n  conv 16 k3\\nstage body:\\n{body}{head}"

budget = Budget(max_nodes=1_000_000)
archspec.loads(text(2))
out = []
for n in map(int, sys.argv[2:]):
    t = text(n)
    times = []
    for _ in range(max(3, min(int(sys.argv[1]), 20_000 // n))):
        t0 = time.perf_counter()
        net = archspec.loads(t, budget=budget)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    archspec.loads(t, budget=budget)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out.append({"blocks": n, "layers": len(net.layers), "lines": t.count("\\n"), "seconds": statistics.median(times),
                "peak_bytes": peak})
print(json.dumps(out))
"""


def slope(xs: list[float], ys: list[float]) -> float:
    """The exponent k of y ∝ x^k, by least squares on the logs."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def scaling(rounds: int, sizes: tuple[int, ...] = SIZES, plot: Path | None = None) -> Section:
    s = Section("Scaling: generated specs of 10 to 10,000 blocks")
    s.add("A spec whose body is N lines of `basic 16` (the ResNet basic block: 7 layers each) on a 3×8×8 input, "
          "loaded in a fresh process after one warm-up load: parse, resolve, lower and analyse. Time is the median "
          "of several loads; memory is the peak of Python allocations during one load (`tracemalloc`).", "")
    rows = run_json([PYTHON, "-c", CHILD, str(rounds), *map(str, sizes)])
    s.add(*table(("blocks", "layers", "spec lines", "load + analyse", "per block", "peak memory", "per block"),
                 [(f"{r['blocks']:,}", f"{r['layers']:,}", f"{r['lines']:,}", ms(r["seconds"]),
                   f"{r['seconds'] / r['blocks'] * 1e6:,.0f} µs", f"{r['peak_bytes'] / 1e6:,.1f} MB",
                   f"{r['peak_bytes'] / r['blocks'] / 1e3:,.1f} KB") for r in rows], right=(0, 1, 2, 3, 4, 5, 6)))
    big = [r for r in rows if r["blocks"] >= 100]
    big = big if len(big) >= 2 else rows
    kt = slope([r["blocks"] for r in big], [r["seconds"] for r in big])
    km = slope([r["blocks"] for r in big], [r["peak_bytes"] for r in big])
    s.add(f"Fitted growth from 100 blocks up (time ∝ N^k): time k = **{kt:.2f}**, memory k = **{km:.2f}** "
          "(1 is linear; below 100 blocks the fixed cost of a load dominates).", "")
    s.targets.append(Target("analysis time and memory grow linearly", "k ≈ 1 (≤ 1.1)", f"time {kt:.2f}, memory {km:.2f}",
                            kt <= 1.1 and km <= 1.1))
    thousand = next((r for r in rows if r["blocks"] == 1000), None)
    if thousand:
        s.targets.append(Target("1,000 blocks: load + analyse", "< 1 s", ms(thousand["seconds"]), thousand["seconds"] < 1))
    if plot is not None:
        plot.write_text(svg(rows), encoding="utf-8")
        s.add(f"![time and memory against blocks]({plot.name})", "")
    return s


def svg(rows: list[dict]) -> str:
    """Two log-log panels, time and peak memory against blocks, as a small standalone SVG."""
    panels = [("load + analyse (ms)", [r["seconds"] * 1e3 for r in rows], "#1f77b4"),
              ("peak memory (MB)", [r["peak_bytes"] / 1e6 for r in rows], "#d62728")]
    xs = [r["blocks"] for r in rows]
    w, h, pad = 360, 260, 50
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * w}" height="{h}" font-family="sans-serif" '
             'font-size="11"><rect width="100%" height="100%" fill="white"/>']
    for i, (label, ys, colour) in enumerate(panels):
        x0 = i * w
        lx0, lx1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
        ly0, ly1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
        ly1 = max(ly1, ly0 + 1)

        def px(v: float, lx0: int = lx0, lx1: int = lx1, x0: int = x0) -> float:
            return x0 + pad + (math.log10(v) - lx0) / (lx1 - lx0) * (w - 1.5 * pad)

        def py(v: float, ly0: int = ly0, ly1: int = ly1) -> float:
            return h - pad + (math.log10(v) - ly0) / (ly1 - ly0) * -(h - 1.6 * pad)

        for e in range(lx0, lx1 + 1):
            x = px(10**e)
            parts.append(f'<line x1="{x:.1f}" y1="{py(10**ly0):.1f}" x2="{x:.1f}" y2="{py(10**ly1):.1f}" stroke="#ddd"/>')
            parts.append(f'<text x="{x:.1f}" y="{h - pad + 15}" text-anchor="middle">{10**e:,}</text>')
        for e in range(ly0, ly1 + 1):
            y = py(10**e)
            parts.append(f'<line x1="{px(10**lx0):.1f}" y1="{y:.1f}" x2="{px(10**lx1):.1f}" y2="{y:.1f}" stroke="#ddd"/>')
            parts.append(f'<text x="{px(10**lx0) - 5:.1f}" y="{y + 4:.1f}" text-anchor="end">{10.0**e:g}</text>')
        # a dashed line of slope 1 through the last point: what linear growth looks like
        k = ys[-1] / xs[-1]
        parts.append(f'<line x1="{px(xs[0]):.1f}" y1="{py(max(k * xs[0], 10**ly0)):.1f}" x2="{px(xs[-1]):.1f}" '
                     f'y2="{py(ys[-1]):.1f}" stroke="#999" stroke-dasharray="4 3"/>')
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys, strict=True))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in zip(xs, ys, strict=True)]
        parts.append(f'<text x="{x0 + w / 2:.1f}" y="18" text-anchor="middle" font-size="13">{label}</text>')
        parts.append(f'<text x="{x0 + w / 2:.1f}" y="{h - 12}" text-anchor="middle">blocks (dashed: linear)</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
