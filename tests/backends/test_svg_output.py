"""The SVG itself: tooltips as <title>s, and the same picture in Chromium and in rsvg."""

from __future__ import annotations

import xml.etree.ElementTree as ET

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
