"""Helpers for the explorer's tests: open the app in Streamlit's AppTest, read its numbers back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from archspec.explorer import SCRIPT

ROOT = Path(__file__).resolve().parents[2]
APP = str(SCRIPT)  # the packaged explorer's script (app/explorer.py in a checkout runs the same page)

RUN_TIMEOUT_S = 60  # the first run parses the whole zoo; later runs take a fraction of a second


def open_app(page: str = "Edit", model: str | None = None) -> AppTest:
    """The explorer after its first run, on a tab (as ``?page=``), with a zoo model (``?model=``)."""
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.query_params["page"] = page
    if model:
        at.query_params["model"] = model
    at.run()
    assert not at.exception, at.exception
    return at


def switch(at: AppTest, page: str) -> AppTest:
    at.session_state["page"] = page
    at.run()
    assert not at.exception, at.exception
    return at


def spec_text(at: AppTest) -> str:
    """The spec's text: what the editor holds (AppTest cannot see into the editor's frame)."""
    return str(at.session_state["spec"])


def set_spec(at: AppTest, text: str) -> AppTest:
    """Replace the spec's text, as the editor does when typing pauses, and rerun."""
    at.session_state["spec"] = text
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def exact(at: AppTest, label: str) -> int:
    """The exact count behind a metric (its tooltip starts with it: '4,089,184,256 conv + ...')."""
    m = next(m for m in at.metric if m.label == label)
    found = re.match(r"[\d,]+", m.proto.help)
    assert found, m.proto.help
    return int(found.group(0).replace(",", ""))


def dataframes(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


@pytest.fixture
def app() -> AppTest:
    return open_app()
