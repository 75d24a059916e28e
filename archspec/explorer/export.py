"""The Export tab: the spec, the diagram (DOT, and SVG when Graphviz's ``dot`` is installed), the
analysis (JSON, CSV) and, when archspec has it, the generated PyTorch source.

Costly artifacts (SVG, Python source) are made only when their button is clicked.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from archspec.backends import BACKENDS
from archspec.explorer.model import Design
from archspec.explorer.render import (
    LEVELS,
    artifacts,
    diagrams_available,
    dot_source,
    file_stem,
    have_dot,
    pysource_available,
    python_source,
    render_svg,
)
from archspec.explorer.see import stale_note
from archspec.explorer.state import Current


def _svg(dot: str) -> Callable[[], bytes]:
    def make() -> bytes:
        return render_svg(dot) or b""

    return make


def _pysource(d: Design) -> Callable[[], str]:
    def make() -> str:
        # Runs on click, in a thread of its own; any failure becomes the file's text, not a traceback.
        from archspec.explorer.model import load_uncached

        out = load_uncached(d.text, d.file, d.variant, d.overrides)
        if out.net is None:
            return "# the spec did not analyse\n"
        try:
            return python_source(out.net) or "# the PyTorch source backend is not available\n"
        except Exception as exc:  # noqa: BLE001
            return f"# could not generate the source: {type(exc).__name__}: {exc}\n"

    return make


def _backend(d: Design, name: str) -> Callable[[], bytes]:
    """One file a registered backend makes (archspec.backends.BACKENDS), built on click in a thread of its own."""

    def make() -> bytes:
        from archspec.explorer.model import load_uncached

        out = load_uncached(d.text, d.file, d.variant, d.overrides)
        if out.net is None:
            return b"the spec did not analyse\n"
        try:
            files = out.net.emit(name)
            data = next(iter(files.values()), b"")
        except Exception as exc:  # noqa: BLE001
            return f"could not export: {type(exc).__name__}: {exc}\n".encode()
        return data if isinstance(data, bytes) else data.encode("utf-8")

    return make


# The backends offered here beyond the columns above: one file each, made on click (they import torch).
_EXPORTERS = [b for b in BACKENDS.values() if b.needs in ("torch", "onnx") and b.name != "py"]


def render(cur: Current) -> None:
    if cur.shown is None or cur.shown.net is None or cur.shown_design is None:
        st.info("No design has analysed yet: fix the spec in the Edit tab. The spec's text can still be saved:")
        st.download_button("Spec (.arch)", cur.text, file_name=cur.file, mime="text/plain", key="dl_spec_only", on_click="ignore")
        return
    stale_note(cur)
    net, d = cur.shown.net, cur.shown_design
    stem = file_stem(net, d.overrides)
    knobs = f" with {', '.join(f'{k}={v:g}' for k, v in d.overrides)}" if d.overrides else ""
    st.markdown(f"Exports of **{net.name}**{f' [{net.variant}]' if net.variant else ''}{knobs}.")

    c1, c2, c3 = st.columns(3)
    with c1:
        st.subheader("Spec")
        st.download_button("Spec (.arch)", cur.text, file_name=cur.file if cur.file.endswith(".arch") else f"{stem}.arch",
                           mime="text/plain", key="dl_spec", on_click="ignore", help="The editor's text, as it is now.")
        st.subheader("Analysis")
        files = artifacts(net)
        st.download_button("Analysis (JSON)", files["analysis.json"], file_name=f"{stem}.analysis.json",
                           mime="application/json", key="dl_json", on_click="ignore",
                           help="What `archspec analyze --json` prints.")
        st.download_button("Per stage (CSV)", files["stages.csv"], file_name=f"{stem}.stages.csv", mime="text/csv",
                           key="dl_stages", on_click="ignore")
        st.download_button("Per layer (CSV)", files["layers.csv"], file_name=f"{stem}.layers.csv", mime="text/csv",
                           key="dl_layers", on_click="ignore")
    with c2:
        st.subheader("Diagram")
        if not diagrams_available():
            st.info("The diagram backend is not part of this archspec yet.")
        else:
            level = st.radio("Level", LEVELS, key="exp_level", horizontal=True)
            dot, why = dot_source(d.text, d.file, d.variant, d.overrides, level, "TB")
            if dot is None:
                st.info(f"No diagram: {why}.")
            else:
                st.download_button("Diagram (DOT)", dot, file_name=f"{stem}.{level}.dot", mime="text/vnd.graphviz",
                                   key="dl_dot", on_click="ignore")
                if have_dot():
                    st.download_button("Diagram (SVG)", _svg(dot), file_name=f"{stem}.{level}.svg", mime="image/svg+xml",
                                       key="dl_svg", on_click="ignore")
                else:
                    st.caption("SVG needs Graphviz's `dot` (e.g. `apt-get install graphviz`).")
    with c3:
        st.subheader("PyTorch")
        if pysource_available():
            st.download_button("PyTorch source (.py)", _pysource(d), file_name=f"{stem}.py", mime="text/x-python",
                               key="dl_py", on_click="ignore", help="A standalone module: torch only, no archspec import.")
        else:
            st.info("The PyTorch source needs torch: `pip install 'archspec[torch]'`.")
        if pysource_available():
            for b in _EXPORTERS:
                file = b.output.replace("NAME", stem)
                st.download_button(f"{b.name} ({file.removeprefix(stem)})", _backend(d, b.name), file_name=file,
                                   mime="application/octet-stream", key=f"dl_{b.name}", on_click="ignore", help=b.title)
        st.caption("Every backend: " + ", ".join(f"`{n}`" for n in BACKENDS) + " (`archspec compile SPEC --emit NAMES`).")
    with st.expander("Analysis JSON preview"):
        st.code(files["analysis.json"][:20_000], language="json")
