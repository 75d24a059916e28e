"""End to end, in a real headless Chromium: edit a spec, see the diagram change, break it, see the error."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator

import pytest

from archspec.explorer.render import diagrams_available
from tests.app.browser import (
    CHROMIUM,
    DIAGRAM,
    EDITOR,
    chromium_page,
    error_text,
    explorer_server,
    open_explorer,
    set_spec,
    wait_diagram_change,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("browser_installed"),
]


@pytest.fixture(scope="module")
def browser_installed() -> None:
    """Playwright and Debian's Chromium, which the test setup installs: missing, the tests fail."""
    assert importlib.util.find_spec("playwright") is not None, "playwright is not installed (the test extra has it)"
    assert os.access(CHROMIUM, os.X_OK), f"no Chromium at {CHROMIUM} (`bash scripts/setup.sh --test` installs it)"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with explorer_server() as url:  # stops the server however the tests end
        yield url


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_edit_see_break(server: str) -> None:
    with chromium_page() as page:
        open_explorer(page, server, "Edit")
        text = page.locator(EDITOR).input_value()
        assert "network resnet50" in text
        assert _metric(page, "Params") == "25.56 M"
        before = page.locator(DIAGRAM).first.inner_html() if diagrams_available() else ""

        # Edit: one block in the last stage instead of three.
        set_spec(page, text.replace("512 x3 s2", "512 x1 s2"))
        if diagrams_available():
            after = wait_diagram_change(page, before)
            assert "×1" in after
        assert _metric(page, "Params") != "25.56 M"
        edited_params = _metric(page, "Params")

        # Break it: the located error, as the CLI prints it; the last good design stays.
        set_spec(page, text.replace("512 x3 s2", "512 x1 s2").replace("  conv 64 k7 s2\n", "  conv 64 k7 s2 act=rleu\n"))
        report = error_text(page)
        assert "line 7:17: unknown activation" in report
        assert "resnet50.arch:7:17: error: unknown activation `rleu`" in report
        assert "conv 64 k7 s2 act=rleu" in report and "^^^^^^^^" in report
        assert "did you mean `relu`?" in report
        assert _metric(page, "Params") == edited_params
        if diagrams_available():
            assert page.locator(DIAGRAM).first.inner_html() == after
        assert page.locator('[data-testid="stException"]').count() == 0
