"""The See tab: the diagram at stage, block or layer level, the per-stage and per-layer tables.

``metrics`` and ``diagram`` are shared with the Edit tab.
"""

from __future__ import annotations

import streamlit as st

from archspec.explorer.model import human, layer_rows, shape, short, signed, stage_rows
from archspec.explorer.render import (
    DIRECTIONS,
    LEVELS,
    SVG_TIMEOUT_S,
    dot_source,
    inline_svg,
    layout_on_server,
    screen_theme,
)
from archspec.explorer.state import Current
from archspec.explorer.tables import COST_COLUMNS, MACS_NOTE, config_frame, layer_frame, show, stage_frame

ALL_STAGES = "all stages"
# Layers; past this Graphviz takes from seconds (TB) to a minute (LR) to lay out the
# layer view, and the picture is too big to read on screen anyway.
LARGE_LAYER_VIEW = 400


def _delta(value: int, ref: int | None, unit: str = "") -> str | None:
    return None if ref is None or value == ref else signed(value - ref, unit)


def metrics(cur: Current) -> None:
    """Totals of the design on screen, with Δ against the model as loaded."""
    if cur.shown is None or cur.shown.net is None:
        return
    net = cur.shown.net
    ref = cur.reference.net if cur.reference is not None and cur.reference.net is not None else None
    memory = net.activations * 4
    # A row that wraps: each metric as wide as its value, so no value is ever cut to "224×…".
    with st.container(horizontal=True, gap="medium", key="metrics"):
        st.metric("Params", human(net.params), _delta(net.params, ref.params if ref else None), delta_color="off",
                  help=f"{net.params:,} trainable parameters", width="content")
        st.metric("MACs", human(net.macs), _delta(net.macs, ref.macs if ref else None), delta_color="off",
                  help=f"{net.macs:,} conv + linear multiply-accumulates", width="content")
        st.metric("FLOPs", human(net.flops), _delta(net.flops, ref.flops if ref else None), delta_color="off",
                  help=f"{net.flops:,}: every op, a MAC counted as 2", width="content")
        st.metric("Memory", short(memory, "B"), _delta(memory, ref.activations * 4 if ref else None, "B"),
                  delta_color="off", help="all layer outputs per sample, fp32", width="content")
        st.metric("Layers", f"{len(net.layers):,}", _delta(len(net.layers), len(ref.layers) if ref else None),
                  delta_color="off", width="content")
        st.metric("Input", shape(net.input), help=f"input {shape(net.input)} → output {shape(net.output)}", width="content")
    if ref is not None and (net.params, net.macs) != (ref.params, ref.macs):
        st.caption(f"Δ against `{cur.reference_name}` as loaded.")


def stale_note(cur: Current) -> None:
    if cur.stale:
        st.warning("The spec has an error (see Edit); this is the last design that analysed.", icon="⚠️")


def diagram(cur: Current, level: str, rankdir: str, fit: bool = False) -> None:
    """The library's diagram of the design on screen; ``fit``: scaled to the column (see ``inline_svg``)."""
    d = cur.shown_design
    if d is None:
        return
    dot, why = dot_source(d.text, d.file, d.variant, d.overrides, level, rankdir, screen_theme())
    if dot is None:
        st.info(f"No diagram: {why}.")
        return
    if layout_on_server():
        html = inline_svg(dot, level, rankdir, fit)
        if html is None:  # not handed to every browser instead: what stopped `dot` would stop them too
            st.info(f"No diagram: Graphviz did not lay out this {level} view within {SVG_TIMEOUT_S} s. "
                    "The Export tab has its DOT source.")
        else:
            st.markdown(html, unsafe_allow_html=True)  # st.html strips SVG; this text is dot's own output
        return
    st.graphviz_chart(dot, width="stretch" if rankdir == "LR" else "content")


def _tables(cur: Current) -> None:
    net = cur.shown.net  # type: ignore[union-attr]
    st.subheader("Per stage")
    st.caption(MACS_NOTE)
    rows = stage_rows(net)
    show(stage_frame(rows), COST_COLUMNS)
    args = config_frame(rows)
    if len(args):
        st.markdown("**Block arguments per stage**", help="Each stage's block with every argument resolved.")
        st.table(args.set_index("stage"))
    st.subheader("Per layer")
    stages = [ALL_STAGES, *(s.name for s in net.stages)]
    if st.session_state.get("layer_stage") not in stages:
        st.session_state["layer_stage"] = ALL_STAGES
    pick = st.selectbox("Layers of", stages, key="layer_stage")
    layers = layer_rows(net)
    if pick != ALL_STAGES:
        layers = [r for r in layers if r["stage"] == pick]
    show(layer_frame(layers), COST_COLUMNS, height=420)


def render(cur: Current) -> None:
    if cur.shown is None or cur.shown.net is None:
        st.info("No design has analysed yet: fix the spec in the Edit tab.")
        return
    stale_note(cur)
    c1, c2, _ = st.columns([3, 2, 5])
    level = c1.radio("Diagram level", LEVELS, key="see_level", horizontal=True)
    rankdir = c2.radio("Direction", DIRECTIONS, key="see_dir", horizontal=True)
    net = cur.shown.net
    metrics(cur)
    if level == "layer" and len(net.layers) > LARGE_LAYER_VIEW and not st.session_state.get("draw_large"):
        st.info(f"{len(net.layers):,} layers: the layer view of a network this size takes Graphviz up to a minute to lay out. "
                "The block view, or the layer SVG from the Export tab (drawn by Graphviz's `dot`), is quicker.")
        st.checkbox("Draw the layer view here anyway", key="draw_large")
    else:
        diagram(cur, level, rankdir)
    _tables(cur)
