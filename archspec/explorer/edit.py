"""The Edit tab: the spec in a code editor, its status (ok, or the CLI's located error), totals and a preview.

The editor's text is the source of truth; it is re-analysed as you type (a short pause after the
last keystroke). When the text breaks, the error is marked at its line in the editor and shown as
``archspec check`` prints it, and the last design that analysed stays on screen.
"""

from __future__ import annotations

import streamlit as st

from archspec.explorer import editor
from archspec.explorer.model import MAX_SPEC_BYTES
from archspec.explorer.see import diagram, metrics
from archspec.explorer.state import Current, on_edit

EDITOR_HELP = ("The network as text, in the archspec language. Every edit is analysed as you type (a short pause after the "
               "last key; Ctrl+Enter at once). The text is data: nothing in it is executed and no file it names is read.")
KEYS = "Ctrl+Z undo · Ctrl+Shift+Z redo · Ctrl+F find · Ctrl+/ comment · Tab indent · Ctrl+Enter analyse now"


def status(cur: Current) -> None:
    """A located error exactly as the CLI prints it (wrapped, never cut), or a one-line all-clear."""
    problem = cur.outcome.problem
    if problem is not None:
        st.error(problem.headline, icon=":material/error:")
        st.code(problem.report, language=None, wrap_lines=True)
        if cur.shown is not None:
            st.caption("Below: the last design that analysed. Fix the spec to update it.")
        return
    net = cur.outcome.net
    assert net is not None
    v = f" [{net.variant}]" if net.variant else ""
    st.success(f"**{net.name}**{v} analyses: {len(net.layers):,} layers in {cur.outcome.seconds * 1000:.0f} ms",
               icon=":material/check_circle:")


def render(cur: Current) -> None:
    ss = st.session_state
    left, right = st.columns([5, 4], gap="large")
    with left:
        st.markdown("**Spec**", help=EDITOR_HELP)
        net = cur.outcome.net
        hints = editor.line_hints(net, cur.text.count("\n") + 1) if net is not None else None
        editor.spec_editor(cur.text, ss.get("spec_version", 0), error=editor.error_mark(cur.outcome.problem), hints=hints,
                           seq=ss.get("spec_seq", 0), on_change=on_edit)
        size = len(cur.text.encode("utf-8", "surrogatepass"))
        st.caption(f"`{cur.file}` · {size / 1000:.1f} KB of at most {MAX_SPEC_BYTES // 1000} KB · {KEYS} · "
                   "the language is described in the README; built-in blocks live in `archspec/prelude.arch`")
    with right:
        status(cur)
        metrics(cur)
        if cur.shown is not None:
            diagram(cur, "stage", "TB", fit=True)  # its legend stands to the right: scaled, not cut
