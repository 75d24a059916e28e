"""Session state and the sidebar: which spec, which variant, which knobs, and the design on screen.

The editor's text (``st.session_state["spec"]``) is the source of truth. The knob sliders follow
the spec's own knobs (its ``scale:`` line and variant) until the user moves them; only knobs that
differ from the spec's are passed to ``archspec.loads`` as overrides.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from archspec.explorer import START_ENV, editor
from archspec.explorer.model import (
    BLANK_SPEC,
    KNOBS,
    MAX_SPEC_BYTES,
    Design,
    Outcome,
    Overrides,
    analyse,
    knobs_label,
    variant_names,
    zoo_names,
    zoo_spec,
)

DEFAULT_MODEL = "resnet50"
BLANK = "(blank spec)"
DEFAULT_COMPARE = ("resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0", "efficientnet_b3")
DEFAULT_KNOBS = {"alpha": 1.0, "rho": 1.0, "phi": 0.0}
# (label, low, high, step); a spec's own value outside the range widens it.
SLIDERS = {
    "alpha": ("α — width multiplier", 0.1, 3.0, 0.05),
    "rho": ("ρ — resolution multiplier", 0.25, 3.0, 0.05),
    "phi": ("φ — compound coefficient", 0.0, 8.0, 0.25),
}
# Widgets that live in tabs. Tabs run lazily, and Streamlit forgets the state of a widget that a
# run does not draw; writing each back at the top of the run keeps it across tab switches.
KEEP = ("see_level", "see_dir", "layer_stage", "draw_large", "cmp_zoo", "cmp_variants", "cmp_base", "cmp_a", "cmp_b",
        "exp_level")


@dataclass
class Current:
    """What every tab draws from: the text as it is, and the last design that analysed."""

    text: str
    file: str
    variant: str | None
    overrides: Overrides
    outcome: Outcome  # of the text as it is now
    shown: Outcome | None  # the last design that analysed (the current one when it did)
    shown_design: Design | None
    reference: Outcome | None  # the model as loaded, at its own settings: the metrics' Δ baseline
    reference_name: str
    variants: list[str] = field(default_factory=list)
    spec_knobs: dict[str, float] = field(default_factory=dict)

    @property
    def stale(self) -> bool:
        """The screen shows an older design because the text does not analyse."""
        return not self.outcome.ok and self.shown is not None


def init() -> None:
    """First run: load the default model. Every run: keep the state of widgets in hidden tabs."""
    ss = st.session_state
    for key in KEEP:
        if key in ss:
            ss[key] = ss[key]
    if "spec" not in ss:
        names = zoo_names()
        start = DEFAULT_MODEL if DEFAULT_MODEL in names else (names[0] if names else BLANK)
        # `?model=NAME` opens a zoo model (a name from the zoo's list, never a path): shareable links.
        wanted = st.query_params.get("model")
        if wanted in names:
            start = wanted
        launched = None if wanted in names else os.environ.get(START_ENV)
        if launched in names:
            start, launched = launched, None
        ss["model"] = start
        load_into_editor(start)
        if launched:
            open_start_file(launched)
        # `?compare=a,b,c` picks the zoo models of the Compare tab.
        asked = [n for n in (st.query_params.get("compare") or "").split(",") if n in names]
        ss["cmp_zoo"] = asked or [n for n in DEFAULT_COMPARE if n in names]
        ss["pinned"] = []
        ss["see_level"], ss["see_dir"], ss["exp_level"] = "block", "TB", "block"


def put_text(text: str) -> None:
    """Replace the spec's text from here (a load, an upload, a revert): the editor shows it as it is."""
    ss = st.session_state
    ss["spec"] = text
    ss["spec_version"] = ss.get("spec_version", 0) + 1


def on_edit() -> None:
    """The editor sent its text (a pause in typing, Ctrl+Enter, Ctrl+S): it becomes the spec."""
    ss = st.session_state
    value = ss.get(editor.KEY)
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        ss["spec"] = value["text"]
        ss["spec_seq"] = value.get("seq", 0)


def load_into_editor(name: str) -> None:
    """Put a zoo model (read by entry) or the blank template into the editor."""
    ss = st.session_state
    if name == BLANK:
        got: tuple[str, str, str | None] | None = (BLANK_SPEC, "mynet.arch", None)
    else:
        got = zoo_spec(name)
    if got is None:
        ss["notice"] = f"could not read the zoo model `{name}`"
        return
    text, file, variant = got
    put_text(text)
    ss["file"] = file
    ss["loaded"], ss["loaded_name"] = (text, file, variant), name
    if variant is None:
        ss.pop("variant_pick", None)
    else:
        ss["variant_pick"] = variant
    ss["knob_origin"] = None  # the sliders jump to the new spec's knobs


def open_start_file(spec: str) -> None:
    """Open the file ``archspec explore SPEC`` was started with (``path.arch`` or ``path.arch:variant``).

    Only the person who started the server names this path; nothing typed in the page reaches it.
    """
    ss = st.session_state
    path, variant = Path(spec), None
    if not path.is_file() and ":" in spec:
        head, _, variant = spec.rpartition(":")
        path = Path(head)
    try:
        data = path.read_bytes()
    except OSError as exc:
        ss["notice"] = f"could not open `{spec}`: {exc.strerror or exc}"
        return
    if len(data) > MAX_SPEC_BYTES:
        ss["notice"] = f"`{path.name}` is {len(data) / 1000:.0f} KB; the explorer takes specs up to {MAX_SPEC_BYTES // 1000} KB"
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        ss["notice"] = f"`{path.name}` is not UTF-8 text"
        return
    put_text(text)
    ss["file"] = path.name
    ss["loaded"], ss["loaded_name"] = (text, path.name, variant), path.name
    if variant is None:
        ss.pop("variant_pick", None)
    else:
        ss["variant_pick"] = variant
    ss["knob_origin"] = None


def _on_model() -> None:
    load_into_editor(st.session_state["model"])


def _on_upload() -> None:
    """Open an uploaded spec: its bytes only (never a path it names), capped and UTF-8 checked."""
    ss = st.session_state
    up = ss.get("upload")
    if up is None:
        return
    data = up.getvalue()
    if len(data) > MAX_SPEC_BYTES:
        ss["notice"] = f"`{up.name}` is {len(data) / 1000:.0f} KB; the explorer takes specs up to {MAX_SPEC_BYTES // 1000} KB"
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        ss["notice"] = f"`{up.name}` is not UTF-8 text"
        return
    file = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in up.name)[:80] or "upload.arch"
    put_text(text)
    ss["file"] = file
    ss["loaded"], ss["loaded_name"] = (text, file, None), file
    ss.pop("variant_pick", None)
    ss["knob_origin"] = None


def _revert() -> None:
    """Back to the text as loaded (the zoo file, the template or the upload)."""
    ss = st.session_state
    if ss.get("loaded"):
        put_text(ss["loaded"][0])


def _reset_knobs() -> None:
    st.session_state["knob_origin"] = None


def _slider(knob: str, spec_value: float, disabled: bool, help: str) -> float:
    label, lo, hi, step = SLIDERS[knob]
    lo, hi = min(lo, spec_value), max(hi, spec_value)
    return float(st.slider(label, float(lo), float(hi), step=float(step), key=f"knob_{knob}", disabled=disabled, help=help))


def sidebar() -> Current:
    """Draw the sidebar (model, variant, knobs) and analyse what it selects."""
    ss = st.session_state
    with st.sidebar:
        st.header("archspec explorer")
        names = zoo_names()
        st.selectbox("Load a model", [*names, BLANK], key="model", on_change=_on_model,
                     help="Replaces the editor's text with a zoo spec (or a blank template).")
        st.file_uploader("…or open a .arch file", type=["arch", "txt"], key="upload", on_change=_on_upload, max_upload_size=1,
                         help=f"Read as text, at most {MAX_SPEC_BYTES // 1000} KB. Pasting into the editor works too.")
        if "notice" in ss:
            st.warning(ss.pop("notice"))
        loaded = ss.get("loaded")
        st.button(f"Revert to `{ss.get('loaded_name', '')}` as loaded", on_click=_revert, key="revert",
                  disabled=not loaded or loaded[0] == ss["spec"], help="Undo every edit made since the model was loaded.")

        text, file = ss["spec"], ss.get("file", "spec.arch")
        first = analyse(text, file, None, ())
        variants = variant_names(first.net) if first.net is not None else ss.get("last_variants", [])
        ss["last_variants"] = variants
        variant = None
        if variants:
            if ss.get("variant_pick") not in variants:
                ss["variant_pick"] = variants[0]
            variant = st.selectbox("Variant", variants, key="variant_pick",
                                   help="A named member of the spec's family (`variants:`).")
        base = first if variant is None or variant == variants[0] else analyse(text, file, variant, ())

        st.subheader("Scale")
        spec_knobs = dict(ss.get("knob_origin") or DEFAULT_KNOBS)
        if base.net is not None:
            spec_knobs = {k: float(base.net.config.knobs[k]) for k in KNOBS}
            if ss.get("knob_origin") != spec_knobs:
                for k in KNOBS:
                    ss[f"knob_{k}"] = spec_knobs[k]
                ss["knob_origin"] = spec_knobs
        compound = base.net is not None and any(s.name == "compound" for s in base.net.spec.settings)
        values = {
            "alpha": _slider("alpha", spec_knobs["alpha"], False, "Every width × α, rounded by the spec's `round:` policy."),
            "rho": _slider("rho", spec_knobs["rho"], False, "Input resolution × ρ."),
            "phi": _slider("phi", spec_knobs["phi"], not compound,
                           "depth × a^φ, width × b^φ, resolution × c^φ from the spec's `compound:` bases"
                           + ("" if compound else " — this spec has no `compound:` line, so φ does nothing")),
        }
        overrides: Overrides = tuple((k, round(values[k], 4)) for k in KNOBS if abs(values[k] - spec_knobs[k]) > 1e-9)
        st.button("Reset knobs to the spec's", on_click=_reset_knobs, disabled=not overrides, key="reset_knobs")
        st.caption("MACs: conv + linear multiply-accumulates (bias excluded), the papers' \"FLOPs\". "
                   "FLOPs: every op, a MAC counted as 2. Memory: layer outputs, fp32, batch 1.")

    outcome = base if not overrides else analyse(text, file, variant, overrides)
    if outcome.net is not None:
        ss["last_good"] = (text, file, variant, overrides)
    shown, shown_design = None, None
    if "last_good" in ss:
        shown = outcome if outcome.net is not None else analyse(*ss["last_good"])
        if shown.net is not None:
            t, f, v, o = ss["last_good"]
            label = shown.net.name + (f":{v}" if v else "") + (f" {knobs_label(o)}" if o else "")
            shown_design = Design(label, t, f, v, o, "editor")
        else:
            shown = None
    reference = analyse(*loaded, ()) if loaded else None
    return Current(text, file, variant, overrides, outcome, shown, shown_design, reference,
                   ss.get("loaded_name", ""), variants, spec_knobs)
