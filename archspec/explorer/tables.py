"""Tables the explorer shows: per stage, per layer, the comparison with deltas and the stage diff.

Every table goes through ``show``: a missing value reads "—" (never "None"), and each table keeps
to a width its page has at 1280 pixels, so no column is cut off on the right. Long text (a stage's
block arguments) goes into a table of its own, where it wraps.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from archspec.explorer.model import short, signed

MACS_NOTE = ("MACs: conv + linear multiply-accumulates, bias excluded (the papers' \"FLOPs\"); "
             "memory: layer outputs, fp32, batch 1")

MISSING = "—"  # what a table shows where a value does not apply (the stem's depth, the head's stride)
COUNT = st.column_config.NumberColumn(format="localized")
BYTES = st.column_config.NumberColumn(format="bytes")
PERCENT = st.column_config.NumberColumn(format="%+.1f %%")


def show(df: pd.DataFrame, columns: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """``st.dataframe`` the explorer's way: no index, "—" for a missing value."""
    st.dataframe(df, column_config=columns, hide_index=True, placeholder=MISSING, **kwargs)


def stage_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Per stage, the numbers (each stage's block arguments are in ``config_frame``)."""
    columns = ["stage", "block", "depth", "width", "stride", "output", "params", "macs", "memory", "layers"]
    df = pd.DataFrame(rows, columns=columns)
    # Nullable ints: the head has no stride and the stem no depth; they show as "—".
    return df.astype({"depth": "Int64", "stride": "Int64"})


def config_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Per stage that calls a block, its resolved arguments: long text, in a table where it wraps."""
    return pd.DataFrame([{"stage": r["stage"], "block": r["block"], "arguments": r["config"]} for r in rows if r["config"]],
                        columns=["stage", "block", "arguments"])


def layer_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["layer", "op", "stage", "output", "params", "macs", "memory"])


COST_COLUMNS = {"params": COUNT, "macs": st.column_config.NumberColumn("MACs", format="localized"), "memory": BYTES,
                "flops": st.column_config.NumberColumn("FLOPs", format="localized")}


def _delta(value: int, base: int) -> tuple[int, float | None]:
    return value - base, (100.0 * (value - base) / base) if base else None


def compare_frame(designs: list[tuple[str, dict[str, Any]]], baseline: str) -> pd.DataFrame:
    """One row per design; Δ columns against the baseline design (absolute and %)."""
    base = dict(designs).get(baseline) or (designs[0][1] if designs else None)
    rows = []
    for name, s in designs:
        dp, dpp = _delta(s["params"], base["params"]) if base else (0, None)
        dm, dmp = _delta(s["macs"], base["macs"]) if base else (0, None)
        dp, dm = signed(dp), signed(dm)  # type: ignore[assignment]
        rows.append({"design": name, "input": s["input"], "params": s["params"], "Δ params": dp, "Δ params %": dpp,
                     "macs": s["macs"], "Δ MACs": dm, "Δ MACs %": dmp, "memory": s["memory"], "layers": s["layers"]})
    return pd.DataFrame(rows)


COMPARE_COLUMNS = {**COST_COLUMNS, "Δ params %": PERCENT, "Δ MACs %": PERCENT}


def _fmt(v: Any) -> str:
    return MISSING if v is None or v == "" else str(v)


def stage_diff(a: dict[str, Any], b: dict[str, Any]) -> pd.DataFrame:
    """Stage by stage, A beside B: depth, width, stride, output and cost, and what changed.

    Stages are matched by name (stem, stage1, …, head); a stage only one design has shows "—" on
    the other side.
    """
    sa = {r["stage"]: r for r in a["stages"]}
    sb = {r["stage"]: r for r in b["stages"]}
    order = list(sa) + [n for n in sb if n not in sa]
    rows = []
    for name in order:
        ra, rb = sa.get(name, {}), sb.get(name, {})
        if not ra or not rb:
            changed = "only in " + ("B" if not ra else "A")
        else:
            keys = [k for k in ("block", "depth", "width", "stride", "config") if ra[k] != rb[k]]
            cost = ra["params"] != rb["params"] or ra["macs"] != rb["macs"]
            changed = ", ".join(keys) if keys else ("cost only" if cost else "")
        row: dict[str, Any] = {"stage": name, "changed": changed}
        for k in ("depth", "width", "stride", "output"):
            row[f"{k} A→B"] = _fmt(ra.get(k)) if ra.get(k) == rb.get(k) else f"{_fmt(ra.get(k))} → {_fmt(rb.get(k))}"
        for k in ("params", "macs"):
            va, vb = ra.get(k), rb.get(k)
            # Three figures (the exact counts are in the side-by-side table and the CSV).
            row[f"{'MACs' if k == 'macs' else k} A→B"] = _cost(va) if va == vb else f"{_cost(va)} → {_cost(vb)}"
            delta = (vb or 0) - (va or 0)
            row[f"Δ {'MACs' if k == 'macs' else k}"] = "0" if delta == 0 else ("+" if delta > 0 else "-") + _cost(abs(delta))
        rows.append(row)
    return pd.DataFrame(rows)


def _cost(v: int | None) -> str:
    return MISSING if v is None else short(v).replace(" ", "\u00a0")  # "148 K" never breaks
