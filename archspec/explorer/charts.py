"""Altair charts: knob sweeps with the current point marked, and params-vs-MACs with its Pareto front.

Colours are from the Okabe–Ito palette, as the diagrams', so they survive colour-vision deficiencies.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

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


def pareto_chart(points: list[dict[str, Any]]) -> alt.LayerChart:
    """Each design at (params, MACs) on log axes; the designs no other beats on both, joined by a step line."""
    df = pd.DataFrame(points)
    df["set"] = ["Pareto front" if f else "dominated" for f in df["front"]]
    x = alt.X("params:Q", scale=LOG, title="parameters (log scale)", axis=alt.Axis(format="~s"))
    y = alt.Y("macs:Q", scale=LOG, title="MACs (log scale)", axis=alt.Axis(format="~s"))
    color = alt.Color("set:N", scale=alt.Scale(domain=["Pareto front", "dominated"], range=[VERMILLION, GREY]),
                      legend=alt.Legend(orient="bottom", title=None))
    tooltip = ["design:N", alt.Tooltip("params:Q", format=","), alt.Tooltip("macs:Q", title="MACs", format=",")]
    dots = alt.Chart(df).mark_circle(size=140, opacity=0.9).encode(x=x, y=y, color=color, tooltip=tooltip)
    # Neighbours in params alternate their labels above and below the dot, so close ones stay legible.
    df = df.sort_values("params").reset_index(drop=True)
    df["above"] = df.index % 2 == 0
    labels = alt.layer(*(
        alt.Chart(df[df["above"] == above]).mark_text(align="left", dx=8, dy=-9 if above else 12, fontSize=11)
        .encode(x=x, y=y, text="design:N")
        for above in (True, False)
    ))
    front = df[df["front"]].sort_values("params")
    line = alt.Chart(front).mark_line(interpolate="step-after", color=VERMILLION, strokeDash=[5, 3]).encode(x=x, y=y)
    return alt.layer(line, dots, labels).properties(height=420, title="params vs MACs — fewer of both is better")
