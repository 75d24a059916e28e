"""The Edit tab: the spec's text, its status (ok, or the CLI's located error), totals and a preview.

The text area is the source of truth; every change re-analyses. When the text breaks, the error
is shown as ``archspec check`` prints it, and the last design that analysed stays on screen.
"""

from __future__ import annotations

import streamlit as st

from archspec.explorer.model import MAX_SPEC_BYTES
from archspec.explorer.see import diagram, metrics
from archspec.explorer.state import Current

EDITOR_HELP = ("The network as text, in the archspec language. Edits apply when the editor loses focus or on Ctrl+Enter. "
               "The text is data: nothing in it is executed and no file it names is read.")


def status(cur: Current) -> None:
    """A located error exactly as the CLI prints it, or a one-line all-clear."""
    problem = cur.outcome.problem
    if problem is not None:
        st.error(problem.headline, icon=":material/error:")
        st.code(problem.report, language=None)
        if cur.shown is not None:
            st.caption("Below: the last design that analysed. Fix the spec to update it.")
        return
    net = cur.outcome.net
    assert net is not None
    v = f" [{net.variant}]" if net.variant else ""
    st.success(f"**{net.name}**{v} analyses: {len(net.layers):,} layers in {cur.outcome.seconds * 1000:.0f} ms",
               icon=":material/check_circle:")


def render(cur: Current) -> None:
    left, right = st.columns([5, 4], gap="large")
    with left:
        st.text_area("Spec", key="spec", height=640, help=EDITOR_HELP)
        size = len(cur.text.encode("utf-8", "surrogatepass"))
        st.caption(f"`{cur.file}` · {size / 1000:.1f} KB of at most {MAX_SPEC_BYTES // 1000} KB · "
                   "the language is described in the README; built-in blocks live in `archspec/prelude.arch`")
    with right:
        status(cur)
        metrics(cur)
        if cur.shown is not None:
            diagram(cur, "stage", "TB")
