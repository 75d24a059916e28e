"""archspec's design explorer: edit a CNN spec, see it, scale it, compare it, export it.

    .venv/bin/streamlit run app/explorer.py

Tabs run lazily (only the open one computes), and analysis is cached on the text and knobs, so an
edit re-renders quickly even for EfficientNet-B7. torch is never imported here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

# The helper modules sit beside this file; `streamlit run` and AppTest differ in whether that
# directory is already on the path.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import explorer_compare  # noqa: E402
import explorer_edit  # noqa: E402
import explorer_export  # noqa: E402
import explorer_scale  # noqa: E402
import explorer_see  # noqa: E402
import explorer_state  # noqa: E402
import streamlit as st  # noqa: E402

PAGES: dict[str, Callable[[explorer_state.Current], None]] = {
    "Edit": explorer_edit.render,
    "See": explorer_see.render,
    "Scale": explorer_scale.render,
    "Compare": explorer_compare.render,
    "Export": explorer_export.render,
}


def main() -> None:
    st.set_page_config(page_title="archspec explorer", page_icon=":material/account_tree:", layout="wide")
    # A failure shows its message only: a traceback means nothing to someone designing a network.
    st.set_option("client.showErrorDetails", "none")
    try:
        explorer_state.init()
        cur = explorer_state.sidebar()
    except Exception as exc:  # noqa: BLE001 -- a sentence, never a traceback
        st.error(f"The explorer could not start: {type(exc).__name__}: {exc}. This is a bug in the explorer, not in your spec.")
        return
    tabs = st.tabs(list(PAGES), key="page", on_change="rerun", bind="query-params")
    for tab, (title, render) in zip(tabs, PAGES.items(), strict=True):
        if tab.open is False:
            continue  # lazy: a hidden tab costs nothing
        with tab:
            try:
                render(cur)
            except Exception as exc:  # noqa: BLE001 -- shown as a sentence; reruns and stops are not Exceptions
                st.error(f"The {title} tab failed: {type(exc).__name__}: {exc}. This is a bug in the explorer, not in your spec.")


main()
