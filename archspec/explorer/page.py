"""The explorer's page: the sidebar and the five tabs, drawn once per Streamlit script run.

Tabs run lazily (only the open one computes), and analysis is cached on the text and knobs, so an
edit re-renders quickly even for EfficientNet-B7. torch is never imported here.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from archspec.explorer import TIMINGS_ENV, compare, edit, export, scale, see, state

ICON = Path(__file__).with_name("icon.png")

PAGES: dict[str, Callable[[state.Current], None]] = {
    "Edit": edit.render,
    "See": see.render,
    "Scale": scale.render,
    "Compare": compare.render,
    "Export": export.render,
}


def main() -> None:
    """One script run; timed into ``$ARCHSPEC_EXPLORER_TIMINGS`` when that is set."""
    log = os.environ.get(TIMINGS_ENV)
    if not log:
        _page()
        return
    t0 = time.perf_counter()
    try:
        _page()
    finally:  # reruns and stops end a run by an exception too
        line = {"t": time.time(), "seconds": round(time.perf_counter() - t0, 4), "page": st.session_state.get("page"),
                "tag": st.query_params.get("tag")}  # ?tag= marks a load test's kinds of user
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")


def _page() -> None:
    # The icon is a file of the package: a Material icon name would have each browser fetch it from Google.
    st.set_page_config(page_title="archspec explorer", page_icon=str(ICON), layout="wide")
    # A failure shows its message only: a traceback means nothing to someone designing a network.
    st.set_option("client.showErrorDetails", "none")
    try:
        state.init()
        cur = state.sidebar()
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
