"""Run the explorer in a real Streamlit server and drive it with Debian's Chromium via Playwright.

Shared by the end-to-end test and ``tests/app/screenshots.py``. Playwright brings its own driver;
the browser is the system's ``/usr/bin/chromium`` (no ``playwright install``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
START_TIMEOUT_S = 90
UI_TIMEOUT_MS = 60_000
# The spec editor: CodeMirror in the component's frame (archspec/explorer/editor).
EDITOR = 'iframe[title="archspec.explorer.editor.spec_editor"]'
# The diagram: SVG drawn on the server (st.html), or laid out in the browser (graphviz_chart).
DIAGRAM = '.archspec-diagram svg, [data-testid="stGraphVizChart"] svg'


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310 -- localhost only
            return r.status == 200
    except OSError:
        return False


@contextmanager
def explorer_server(port: int | None = None, python: str | None = None, cwd: Path | None = None,
                    env: dict[str, str] | None = None) -> Iterator[str]:
    """``archspec explore`` on a free local port; yields its URL; always stops it.

    ``python``: the interpreter whose archspec serves (default this one); ``cwd``: where it starts.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [python or sys.executable, "-m", "archspec", "explore", "--port", str(port), "--address", "127.0.0.1"]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=cwd or ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                tail = log.read().decode("utf-8", "replace")[-3000:]
                raise RuntimeError(f"the explorer did not come up at {url} (exit {proc.poll()}):\n{tail}")
            time.sleep(0.25)
        yield url
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server's process group (the one it was started in), politely, then not."""
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def chromium_page(width: int = 1600, height: int = 1000) -> Iterator[Page]:
    """A page in a fresh headless Chromium; closed however the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(UI_TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def wait_idle(page: Page, settle_ms: int = 400) -> None:
    """Wait until the script run finished: no 'running' indicator, and the page settled."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"] [data-testid=\"stStatusWidgetRunningIcon\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=UI_TIMEOUT_MS,
    )
    page.wait_for_timeout(settle_ms)


def open_explorer(page: Page, url: str, tab: str = "Edit", model: str | None = None) -> None:
    """Load the explorer on a tab (``?page=``), optionally with a zoo model (``?model=``)."""
    query = f"?page={tab}" + (f"&model={model}" if model else "")
    page.goto(url + "/" + query)
    page.wait_for_selector('[data-testid="stTab"]')
    if tab == "Edit":
        page.wait_for_selector(EDITOR)
    wait_idle(page)


def editor_frame(page: Page) -> Frame:
    """The spec editor's frame, once CodeMirror is up in it."""
    handle = page.wait_for_selector(EDITOR)
    frame = handle.content_frame() if handle is not None else None
    assert frame is not None, "the spec editor has no frame"
    frame.wait_for_selector(".cm-content")
    frame.wait_for_function("() => window.archspecEditor !== undefined")
    return frame


def editor_text(page: Page) -> str:
    """The text in the spec editor."""
    return str(editor_frame(page).evaluate("() => window.archspecEditor.view.state.doc.toString()"))


def wait_analysed(page: Page) -> None:
    """Wait until the page has analysed the editor's latest text (no Ctrl+Enter: the editor sends it
    itself once typing pauses) and the script run finished."""
    frame = editor_frame(page)
    frame.wait_for_function("() => window.archspecEditor.seq() > 0 && "
                            "document.body.dataset.analysed === String(window.archspecEditor.seq()) && "
                            "window.archspecEditor.view.state.doc.toString() === window.archspecEditor.sentText()")
    wait_idle(page)


def set_spec(page: Page, text: str) -> None:
    """Replace the editor's text, as a paste would, and wait for the page to analyse it."""
    editor_frame(page).evaluate(
        "t => { const v = window.archspecEditor.view;"
        " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: t}, userEvent: 'input.paste'}); }", text)
    wait_analysed(page)


def diagram_svg(page: Page) -> str:
    """The rendered diagram's SVG markup ("" when none is shown)."""
    loc = page.locator(DIAGRAM)
    return loc.first.inner_html() if loc.count() else ""


def wait_diagram_change(page: Page, before: str, timeout_ms: int = UI_TIMEOUT_MS) -> str:
    """Wait for the diagram to differ from ``before``; return the new SVG markup."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        now = diagram_svg(page)
        if now and now != before:
            return now
        page.wait_for_timeout(200)
    raise AssertionError("the diagram did not change")


def error_text(page: Page) -> str:
    """The text of the error alert and the CLI-style report under it."""
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    parts = [page.locator('[data-testid="stAlertContentError"]').first.inner_text()]
    code = page.locator('[data-testid="stCode"]')
    if code.count():
        parts.append(code.first.inner_text())
    return "\n".join(parts)


def cut_off(page: Page, selector: str) -> list[str]:
    """The elements matching ``selector`` whose content is wider than their box (cut, or scrolled
    out of sight on the right), described by their text (or ``testid`` and widths)."""
    return list(page.evaluate(
        """sel => [...document.querySelectorAll(sel)].filter(e => e.scrollWidth > e.clientWidth + 1)
               .map(e => (e.innerText || e.getAttribute('aria-label') || sel).slice(0, 80)
                         + ` (${e.scrollWidth} > ${e.clientWidth} px)`)""", selector))


def label_boxes(page: Page) -> list[tuple[str, float, float, float, float]]:
    """The scatter labels drawn on the page (Vega's SVG text marks): (text, left, top, right, bottom)."""
    return [tuple(b) for b in page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] g.mark-text.role-mark text')]
               .map(t => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.top, r.right, r.bottom]; })""")]


def error_line_number(page: Page) -> int | None:
    """The line the editor marks as the error's (its line number, 1-based), or None."""
    return editor_frame(page).evaluate(
        """() => { const el = document.querySelector('.cm-line.cm-as-errline'); if (!el) return null;
                   const v = window.archspecEditor.view; return v.state.doc.lineAt(v.posAtDOM(el)).number; }""")
