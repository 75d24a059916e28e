"""Screenshots of each explorer tab for the README, taken in headless Chromium.

    .venv/bin/python -m tests.app.screenshots [OUT_DIR]     # default docs/screenshots/

Uses the end-to-end test's helpers: the same server start, browser and driving.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.app.browser import ROOT, chromium_page, editor_frame, explorer_server, open_explorer, wait_analysed, wait_idle

TYPO = " act=rleu"  # typed at the end of ResNet-50's line 7, `  conv 64 k7 s2`


def take(out: Path) -> list[Path]:
    """One PNG per tab (and one of a located error); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with explorer_server() as url, chromium_page(width=1600, height=1150) as page:

        def shot(name: str) -> None:
            path = out / f"{name}.png"
            page.screenshot(path=str(path))
            shots.append(path)

        open_explorer(page, url, "Edit", model="efficientnet_b0")
        shot("edit")
        open_explorer(page, url, "Edit", model="resnet50")
        editor_frame(page).locator(".cm-line").nth(6).click()  # typed, as the browser test does
        page.keyboard.press("End")
        page.keyboard.type(TYPO, delay=20)
        wait_analysed(page)
        shot("edit-error")
        open_explorer(page, url, "See", model="resnet50")
        shot("see")
        open_explorer(page, url, "Scale", model="efficientnet_b0")
        # α from 1.00 down to 0.75 with the keyboard, as a user would drag it
        thumb = page.locator('[data-testid="stSidebar"] input[type="range"]').first
        thumb.focus()
        for _ in range(5):
            thumb.press("ArrowLeft")
        wait_idle(page)
        page.wait_for_selector('[data-testid="stVegaLiteChart"]')
        wait_idle(page, settle_ms=1500)  # charts animate in
        shot("scale")
        open_explorer(page, url, "Compare", model="resnet34")
        page.wait_for_selector('[data-testid="stVegaLiteChart"]')
        wait_idle(page, settle_ms=1500)
        shot("compare")
        page.get_by_text("Stage by stage").scroll_into_view_if_needed()
        page.mouse.wheel(0, 300)
        page.wait_for_timeout(500)
        shot("compare-diff")
        open_explorer(page, url, "Export", model="resnet50")
        shot("export")
    return shots


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    for path in take(out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
