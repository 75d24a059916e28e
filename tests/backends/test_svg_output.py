"""The SVG itself: tooltips as <title>s, and the same picture in Chromium and in rsvg."""

from __future__ import annotations

import base64
import importlib.util
import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from PIL import Image, ImageChops

from archspec.backends import graphviz as gv
from tests.backends.test_graphviz import SVG, load
from tests.conftest import needs_dot

XLINK = "{http://www.w3.org/1999/xlink}title"


@needs_dot
def test_stage_tooltips_are_the_titles_of_their_nodes() -> None:
    net = load("resnet50")
    data = gv.render_bytes(net, "svg", level="stage")
    assert data == gv.render_bytes(net, "svg", level="stage")
    root = ET.fromstring(data)
    tips = {}
    for g in root.iter(f"{SVG}g"):
        if "node" not in (g.get("class") or "").split():
            continue
        link = next(g.iter(f"{SVG}a"), None)
        if link is not None:
            tips[g.get("id")] = link.get(XLINK)
            assert g.findtext(f"{SVG}title") == link.get(XLINK), g.get("id")
        else:  # no tooltip: the title stays the node's name
            assert g.findtext(f"{SVG}title") == g.get("id")
    # the ids stay the hierarchy's paths; a stage with arguments has a tooltip (stem and head have none)
    assert set(tips) == {s.name for s in net.stages if s.info.get("block")}
    assert tips["stage3"].startswith("stage3: ") and "c=256" in tips["stage3"] and "s=2" in tips["stage3"]


def test_tooltip_escapes_stay_valid_in_the_title() -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><g id="n">'
           b'<title>n</title>\n<g id="a_n"><a xlink:title="a &quot;b&quot; &amp; c&lt;d&#10;e"><path/></a></g></g></svg>')
    g = ET.fromstring(gv.svg_titles(svg)).find(f"{SVG}g")
    assert g is not None and g.findtext(f"{SVG}title") == 'a "b" & c<d\ne' == g.find(f".//{SVG}a").get(XLINK)


# ---- the same picture in a browser and in rsvg ---------------------------------------------------

# Greyscale, halved: how many pixels may differ by more than DIFF_LEVEL. Chromium and rsvg differ in
# antialiasing only (about 0.6 % of ResNet-50's block diagram); another font moves the text (over 2 %).
DIFF_LEVEL, DIFF_FRACTION = 32, 0.012
INK = 0.005  # the fraction of dark pixels below which nothing drew


def _ink(im: Image.Image) -> float:
    hist = im.histogram()
    return sum(hist[:128]) / sum(hist)


@needs_dot
@pytest.mark.slow
def test_resnet50_block_svg_looks_the_same_in_chromium_and_rsvg() -> None:
    from tests.app.browser import CHROMIUM, chromium_page

    assert importlib.util.find_spec("playwright") is not None, "playwright is not installed (the test extra has it)"
    assert os.access(CHROMIUM, os.X_OK), f"no Chromium at {CHROMIUM} (`bash scripts/setup.sh --test` installs it)"
    rsvg = shutil.which("rsvg-convert")
    assert rsvg, "no rsvg-convert (librsvg2-bin)"
    svg = gv.render_bytes(load("resnet50"), "svg", level="block")
    png = subprocess.run([rsvg, "-b", "white"], input=svg, capture_output=True, check=True, timeout=60).stdout
    a = Image.open(io.BytesIO(png)).convert("L")
    w, h = a.size
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    with chromium_page(w, h) as page:
        page.set_content(f'<html><body style="margin:0;background:#fff"><img style="display:block" width="{w}" '
                         f'height="{h}" src="{src}"></body></html>')
        page.wait_for_load_state()
        b = Image.open(io.BytesIO(page.screenshot())).convert("L")
    assert b.size == a.size
    a, b = a.reduce(2), b.reduce(2)
    assert _ink(a) > INK and _ink(b) > INK, (_ink(a), _ink(b))  # the text and lines drew in both
    assert abs(_ink(a) - _ink(b)) < 0.15 * _ink(a), (_ink(a), _ink(b))
    hist = ImageChops.difference(a, b).histogram()
    assert sum(hist[DIFF_LEVEL + 1:]) / sum(hist) < DIFF_FRACTION
