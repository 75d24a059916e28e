"""End to end, in a real headless Chromium: type into the spec editor, see the error marked at its
line, undo it, edit, see the diagram change with no Ctrl+Enter; and nothing on the pages is cut.

At 1280 × 1000, a laptop's window: where the metrics were cut to "224×…" and tables lost their
right-hand columns. ``ARCHSPEC_SCREENSHOT_DIR`` set: the editor with its error marked is saved there
as ``edit-error.png`` (``python -m tests.app.screenshots`` saves it into docs/screenshots/).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from archspec.explorer.render import diagrams_available
from tests.app.browser import (
    CHROMIUM,
    chromium_page,
    cut_off,
    diagram_svg,
    editor_frame,
    editor_text,
    error_line_number,
    error_text,
    explorer_server,
    label_boxes,
    open_explorer,
    wait_analysed,
    wait_diagram_change,
    wait_idle,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("browser_installed"),
]

WIDTH, HEIGHT = 1280, 1000


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


def _type_at_line_end(page, line: int, keys: str, backspaces: int = 0) -> None:
    """Click a line of the editor, go to its end, delete and type as a user would (no Ctrl+Enter)."""
    frame = editor_frame(page)
    frame.locator(".cm-line").nth(line - 1).click()
    page.keyboard.press("End")
    for _ in range(backspaces):
        page.keyboard.press("Backspace")
    page.keyboard.type(keys, delay=20)


def test_edit_through_the_editor(server: str, tmp_path: Path) -> None:
    with chromium_page(WIDTH, HEIGHT) as page:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        open_explorer(page, server, "Edit")
        text = editor_text(page)
        assert "network resnet50" in text and text.splitlines()[6] == "  conv 64 k7 s2"
        assert _metric(page, "Params") == "25.56 M"
        frame = editor_frame(page)
        # A code editor: line numbers, highlighting, and a monospace font (stage tables line up).
        assert frame.locator(".cm-lineNumbers .cm-gutterElement").filter(has_text="14").count() == 1
        assert frame.locator(".cm-line").nth(13).inner_text().startswith("  512 x3 s2")
        assert frame.locator(".cm-line span").count() > 20  # highlighted tokens
        widths = frame.evaluate("""() => { const font = getComputedStyle(document.querySelector('.cm-content')).font;
            return ['iiiiiiiiii', 'MMMMMMMMMM', '  64  x3 s'].map(t => { const s = document.createElement('span');
              s.style.font = font; s.style.whiteSpace = 'pre'; s.textContent = t; document.body.appendChild(s);
              const w = s.getBoundingClientRect().width; s.remove(); return w; }); }""")
        assert max(widths) - min(widths) < 0.5, f"not a monospace font: {widths}"
        before = diagram_svg(page) if diagrams_available() else ""

        # A typo, typed: marked at its line, with its message, as soon as typing pauses.
        _type_at_line_end(page, 7, " act=rleu")
        wait_analysed(page)
        assert error_line_number(page) == 7
        message = frame.locator(".cm-as-errmsg").inner_text()
        assert "line 7:17: unknown activation `rleu`" in message and "did you mean `relu`?" in message
        report = error_text(page)  # and beside the editor as the CLI prints it, wrapped, never cut
        assert "resnet50.arch:7:17: error: unknown activation `rleu`" in report
        assert cut_off(page, '[data-testid="stCode"] pre') == []
        assert _metric(page, "Params") == "25.56 M"  # the last good design stays
        if diagrams_available():
            assert diagram_svg(page) == before
        shots = Path(os.environ.get("ARCHSPEC_SCREENSHOT_DIR") or tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "edit-error.png"))

        # Undo (Ctrl+Z) takes the typo back out; the mark goes.
        frame.locator(".cm-content").press("Control+z")
        wait_analysed(page)
        assert editor_text(page) == text
        assert error_line_number(page) is None and frame.locator(".cm-as-errmsg").count() == 0
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0

        # An edit, typed: one block in the last stage instead of three; the diagram follows.
        _type_at_line_end(page, 14, "x1 s2", backspaces=5)
        wait_analysed(page)
        assert editor_text(page).splitlines()[13] == "  512 x1 s2"
        if diagrams_available():
            assert "×1" in wait_diagram_change(page, before)
        assert _metric(page, "Params") != "25.56 M"
        assert frame.locator(".cm-as-hint").filter(has_text="→ 2048×7×7").count() >= 1  # the row's output shape
        assert page.locator('[data-testid="stException"]').count() == 0

        # Revert puts the text as loaded back into the editor.
        page.get_by_role("button", name="Revert").click()
        wait_idle(page)
        page.wait_for_function("t => document.querySelector('iframe[title$=\"spec_editor\"]').contentWindow"
                               ".archspecEditor.view.state.doc.toString() === t", arg=text)
        assert _metric(page, "Params") == "25.56 M"
        # The editor's code, its icon and everything else came from the explorer's server.
        assert [u for u in requests if not u.startswith(server)] == []


def test_metrics_and_tables_are_whole(server: str) -> None:
    with chromium_page(WIDTH, HEIGHT) as page:
        open_explorer(page, server, "Edit", model="efficientnet_b3")
        assert _metric(page, "Input") == "3×300×300"
        assert cut_off(page, '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *') == []
        for tab, model in (("See", "resnet50"), ("See", "efficientnet_b0"), ("Scale", "efficientnet_b0"), ("Compare", None)):
            open_explorer(page, server, tab, model=model)
            page.wait_for_selector('[data-testid="stDataFrame"] .dvn-scroller')
            wait_idle(page)
            assert cut_off(page, '[data-testid="stDataFrame"] .dvn-scroller') == [], (tab, model)
            assert cut_off(page, '[data-testid="stTable"], [data-testid="stTable"] > div') == [], (tab, model)
            assert cut_off(page, '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *') == [], (tab, model)


def test_compare_labels_and_chips_are_readable(server: str) -> None:
    with chromium_page(WIDTH, HEIGHT) as page:
        open_explorer(page, server, "Compare")
        page.wait_for_selector('[data-testid="stVegaLiteChart"] g.mark-text.role-mark text')
        wait_idle(page, settle_ms=1000)
        boxes = label_boxes(page)
        assert len(boxes) == 7  # the current design and the six picked
        for (a, *ra), (b, *rb) in itertools.combinations(boxes, 2):
            apart = ra[2] <= rb[0] or rb[2] <= ra[0] or ra[3] <= rb[1] or rb[3] <= ra[1]
            assert apart, f"the labels {a!r} and {b!r} overlap"
        # Every chip of the picked models shows its whole name, inside the box.
        chips = page.locator('[data-testid="stMultiSelect"]').first.locator("[data-tag]")
        assert chips.count() == 6
        field = page.locator('[data-testid="stMultiSelectTagsContainer"]').first.bounding_box()
        assert field is not None
        for i in range(chips.count()):
            box = chips.nth(i).bounding_box()
            assert box is not None and field["x"] <= box["x"] and box["x"] + box["width"] <= field["x"] + field["width"] + 1
        assert cut_off(page, '[data-testid="stMultiSelect"] [data-tag] span[title]') == []
        assert cut_off(page, '[data-testid="stMultiSelectTagsContainer"]') == []
