"""The Scale tab: what α, ρ and φ do to this design, as sweeps with the current point marked.

The knobs themselves sit in the sidebar, so every tab sees the scaled design.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from archspec.explorer.charts import sweep_chart
from archspec.explorer.model import KNOBS, has_compound, shape, summary, sweep, sweep_values
from archspec.explorer.see import metrics, stale_note
from archspec.explorer.state import Current
from archspec.explorer.tables import COST_COLUMNS, show


def _knob_metrics(cur: Current) -> None:
    net = cur.shown.net  # type: ignore[union-attr]
    k = net.config.knobs
    cols = st.columns(6)
    cols[0].metric("α", f"{k['alpha']:g}")
    cols[1].metric("ρ", f"{k['rho']:g}")
    cols[2].metric("φ", f"{k['phi']:g}")
    cols[3].metric("width ×", f"{k['width']:.3g}", help="α × (compound width base)^φ × the variant's width")
    cols[4].metric("depth ×", f"{k['depth']:.3g}", help="(compound depth base)^φ × the variant's depth")
    cols[5].metric("resolution", f"{int(k['resolution'])}", help="input height after ρ, φ and the variant")


def _variants_table(cur: Current) -> None:
    """Every member of the family, at the current knobs."""
    d = cur.shown_design
    if d is None or not cur.variants:
        return
    rows = []
    for v in cur.variants:
        s = summary(d.text, d.file, v, d.overrides)
        if s is not None:
            rows.append({"variant": v, "input": s["input"], "params": s["params"], "macs": s["macs"], "memory": s["memory"],
                         "layers": s["layers"]})
    st.subheader("The family's variants")
    st.caption("Each variant of this spec at the current knobs.")
    show(pd.DataFrame(rows), COST_COLUMNS)


def render(cur: Current) -> None:
    if cur.shown is None or cur.shown.net is None or cur.shown_design is None:
        st.info("No design has analysed yet: fix the spec in the Edit tab.")
        return
    stale_note(cur)
    st.caption("Move α, ρ and φ in the sidebar; every chart sweeps one knob with the others held where they are. "
               "◆ marks the current design.")
    _knob_metrics(cur)
    metrics(cur)
    net, d = cur.shown.net, cur.shown_design
    cols = st.columns(3)
    for knob, col in zip(KNOBS, cols, strict=True):
        with col:
            if knob == "phi" and not has_compound(net):
                st.info("This spec has no `compound:` line (depth, width and resolution bases), so φ changes nothing. "
                        "Add e.g. `compound: depth=1.2 width=1.1 resolution=1.15`.")
                continue
            current = float(net.config.knobs[knob])
            with st.spinner(f"sweeping {knob}…"):
                rows = sweep(d.text, d.file, d.variant, d.overrides, knob, tuple(sweep_values(knob, current)))
            if not rows:
                st.info(f"No point of the {knob} sweep analyses.")
                continue
            st.altair_chart(sweep_chart(rows, knob, current, net.params, net.macs), width="stretch", height=340)
    st.caption(f"Input now {shape(net.input)}. MACs: conv + linear multiply-accumulates; log scale on the y axis.")
    _variants_table(cur)
