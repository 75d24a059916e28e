"""The Compare tab: several designs side by side, their Pareto front, and a stage diff of two.

Designs come from the editor (the current one, and any pinned), the zoo, and the variants of
the spec in the editor.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from archspec.explorer.charts import pareto_chart
from archspec.explorer.model import Design, pareto_front, summarise, zoo_names, zoo_spec
from archspec.explorer.state import Current
from archspec.explorer.tables import COMPARE_COLUMNS, MACS_NOTE, compare_frame, show, stage_diff

CURRENT_PREFIX = "current: "


def _pin(cur: Current) -> None:
    d = cur.shown_design
    if d is None:
        return
    pinned: list[Design] = st.session_state.setdefault("pinned", [])
    pinned.append(replace(d, name=f"pin {len(pinned) + 1}: {d.name}", source="pinned"))


def _clear_pins() -> None:
    st.session_state["pinned"] = []


def designs(cur: Current) -> list[Design]:
    """Every design picked for comparison, the current one first, names unique."""
    out: list[Design] = []
    if cur.shown_design is not None:
        out.append(replace(cur.shown_design, name=CURRENT_PREFIX + cur.shown_design.name))
    out.extend(st.session_state.get("pinned", []))
    d = cur.shown_design
    if d is not None:
        for v in st.session_state.get("cmp_variants", []):
            if v in cur.variants:
                net_name = cur.shown.net.name if cur.shown and cur.shown.net else "spec"
                out.append(Design(f"{net_name}:{v}", d.text, d.file, v, (), "variant"))
    for name in st.session_state.get("cmp_zoo", []):
        got = zoo_spec(name)
        if got is not None:
            text, file, variant = got
            out.append(Design(name, text, file, variant, (), "zoo"))
    seen: set[str] = set()
    unique = []
    for x in out:
        if x.name not in seen:
            seen.add(x.name)
            unique.append(x)
    return unique


def _pick(label: str, options: list[str], key: str, default: int) -> str:
    """A selectbox whose remembered choice survives only while it is still an option."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[min(default, len(options) - 1)]
    return str(st.selectbox(label, options, key=key))


def _controls(cur: Current) -> None:
    names = zoo_names()
    st.session_state["cmp_zoo"] = [n for n in st.session_state.get("cmp_zoo", []) if n in names]
    # The whole width, the chips wrapping onto more rows: every picked model's name stays readable.
    st.multiselect("Zoo models", names, key="cmp_zoo", wrap=True)
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    if cur.variants:
        st.session_state["cmp_variants"] = [v for v in st.session_state.get("cmp_variants", []) if v in cur.variants]
        c1.multiselect("Variants of the spec in the editor", cur.variants, key="cmp_variants", wrap=True)
    else:
        c1.caption("The spec in the editor has no `variants:`.")
    with c2, st.container(horizontal=True):
        st.button("Pin the current design", icon=":material/push_pin:", on_click=_pin, args=(cur,), key="pin",
                  disabled=cur.shown_design is None, width="content",
                  help="Keep the editor's design, as it is now, for comparison after further edits.")
        st.button("Clear pins", on_click=_clear_pins, key="clear_pins", disabled=not st.session_state.get("pinned"),
                  width="content")


def render(cur: Current) -> None:
    _controls(cur)
    picked = designs(cur)
    rows: list[tuple[str, dict[str, Any]]] = []
    failed = []
    for d in picked:
        s = summarise(d)
        if s is None:
            failed.append(d.name)
        else:
            rows.append((d.name, s))
    if failed:
        st.warning("Did not analyse: " + ", ".join(failed))
    if not rows:
        st.info("Pick some designs to compare.")
        return
    names = [n for n, _ in rows]
    st.subheader("Side by side")
    baseline = _pick("Deltas against", names, "cmp_base", 0)
    show(compare_frame(rows, baseline), COMPARE_COLUMNS)
    st.caption(MACS_NOTE)

    front = pareto_front([(s["params"], s["macs"]) for _, s in rows])
    points = [{"design": n, "params": s["params"], "macs": s["macs"], "front": f} for (n, s), f in zip(rows, front, strict=True)]
    st.altair_chart(pareto_chart(points), width="content")
    st.caption("The Pareto front: the designs no other design beats on both parameters and MACs.")

    st.subheader("Stage by stage")
    if len(rows) < 2:
        st.info("Pick a second design to diff stage by stage.")
        return
    c1, c2 = st.columns(2)
    with c1:
        a = _pick("Design A", names, "cmp_a", 0)
    with c2:
        b = _pick("Design B", names, "cmp_b", 1)
    table = dict(rows)
    # A static table: its cells wrap ("256×56×56 → 64×56×56", what changed), so it keeps to the page's width.
    st.table(stage_diff(table[a], table[b]).set_index("stage"))
    st.caption("Stages matched by name. depth: blocks in the stage; width: output channels; stride: the stage's downsampling.")
