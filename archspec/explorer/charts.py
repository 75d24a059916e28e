"""Altair charts: knob sweeps with the current point marked, and params-vs-MACs with its Pareto front.

Colours are from the Okabe–Ito palette, as the diagrams', so they survive colour-vision deficiencies.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from archspec.explorer.labels import FONT_PX, log_domain, place, step_lines
from archspec.explorer.model import KNOB_SYMBOL

BLUE, ORANGE, VERMILLION, GREY = "#0072B2", "#E69F00", "#D55E00", "#999999"
KNOB_TITLE = {"alpha": "α — width multiplier", "rho": "ρ — resolution multiplier", "phi": "φ — compound coefficient"}
LOG = alt.Scale(type="log")


def sweep_chart(rows: list[dict[str, Any]], knob: str, current: float, params: int, macs: int) -> alt.LayerChart:
    """Params and MACs (log axis) against one knob; a dashed rule and diamonds at the current design."""
    df = pd.DataFrame(rows).melt(id_vars=[knob], value_vars=["params", "macs"], var_name="metric", value_name="count")
    x = alt.X(f"{knob}:Q", title=KNOB_TITLE[knob])
    y = alt.Y("count:Q", scale=LOG, title="count (log scale)", axis=alt.Axis(format="~s"))
    color = alt.Color("metric:N", scale=alt.Scale(domain=["params", "macs"], range=[BLUE, ORANGE]),
                      legend=alt.Legend(orient="bottom", title=None))
    tooltip = [alt.Tooltip(f"{knob}:Q", title=KNOB_SYMBOL[knob]), "metric:N", alt.Tooltip("count:Q", format=",")]
    lines = alt.Chart(df).mark_line(point=True).encode(x=x, y=y, color=color, tooltip=tooltip)
    now = pd.DataFrame([{knob: current, "metric": "params", "count": params}, {knob: current, "metric": "macs", "count": macs}])
    marks = alt.Chart(now).mark_point(shape="diamond", size=220, filled=True, stroke="black", strokeWidth=1).encode(
        x=x, y=y, color=color, tooltip=tooltip)
    rule = alt.Chart(pd.DataFrame({knob: [current]})).mark_rule(strokeDash=[4, 4], color=GREY).encode(x=x)
    title = f"params and MACs vs {KNOB_SYMBOL[knob]} (current: {current:g})"
    return alt.layer(lines, rule, marks).properties(height=280, title=title)


PARETO_W, PARETO_H = 680, 380  # the plot's size in pixels: fixed, so the labels can be placed beforehand


def _pixels(v: float, lo: float, hi: float, size: float) -> float:
    return (math.log10(v) - lo) / (hi - lo) * size


def _value(px: float, lo: float, hi: float, size: float) -> float:
    return float(10 ** (lo + px / size * (hi - lo)))


def pareto_chart(points: list[dict[str, Any]]) -> alt.LayerChart:
    """Each design at (params, MACs) on log axes; the designs no other beats on both, joined by a step line.

    Each name sits beside its dot where it overlaps no other name and no dot (``labels.place``); one
    pushed away from a crowd is joined to its dot by a thin line.
    """
    df = pd.DataFrame(points)
    df["set"] = ["Pareto front" if f else "dominated" for f in df["front"]]
    xlo, xhi = log_domain(list(df["params"]))
    ylo, yhi = log_domain(list(df["macs"]))
    xy = [(_pixels(p, xlo, xhi, PARETO_W), PARETO_H - _pixels(m, ylo, yhi, PARETO_H)) for p, m in zip(df["params"], df["macs"],
                                                                                                      strict=True)]
    steps = step_lines(sorted(p for p, f in zip(xy, df["front"], strict=True) if f))
    spots = place(xy, [str(n) for n in df["design"]], PARETO_W, PARETO_H, lines=steps)
    df["label_x"] = [_value(s.anchor[0], xlo, xhi, PARETO_W) for s in spots]
    df["label_y"] = [_value(PARETO_H - s.anchor[1], ylo, yhi, PARETO_H) for s in spots]
    df["far"] = [s.far for s in spots]
    xs = alt.Scale(type="log", domain=[10**xlo, 10**xhi], nice=False, zero=False)
    ys = alt.Scale(type="log", domain=[10**ylo, 10**yhi], nice=False, zero=False)
    x = alt.X("params:Q", scale=xs, title="parameters (log scale)", axis=alt.Axis(format="~s"))
    y = alt.Y("macs:Q", scale=ys, title="MACs (log scale)", axis=alt.Axis(format="~s"))
    color = alt.Color("set:N", scale=alt.Scale(domain=["Pareto front", "dominated"], range=[VERMILLION, GREY]),
                      legend=alt.Legend(orient="bottom", title=None))
    tooltip = ["design:N", alt.Tooltip("params:Q", format=","), alt.Tooltip("macs:Q", title="MACs", format=",")]
    dots = alt.Chart(df).mark_circle(size=140, opacity=0.9).encode(x=x, y=y, color=color, tooltip=tooltip)
    leaders = alt.Chart(df[df["far"]]).mark_rule(color=GREY, strokeWidth=0.8).encode(
        x=x, y=y, x2=alt.X2("label_x:Q"), y2=alt.Y2("label_y:Q"))
    labels = alt.Chart(df).mark_text(align="left", baseline="middle", fontSize=FONT_PX).encode(
        x=alt.X("label_x:Q", scale=xs), y=alt.Y("label_y:Q", scale=ys), text="design:N", tooltip=tooltip)
    front = df[df["front"]].sort_values("params")
    line = alt.Chart(front).mark_line(interpolate="step-after", color=VERMILLION, strokeDash=[5, 3]).encode(x=x, y=y)
    return alt.layer(line, leaders, dots, labels).properties(
        width=PARETO_W, height=PARETO_H, title="params vs MACs — fewer of both is better")
