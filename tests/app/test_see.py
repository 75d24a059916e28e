"""The See tab: the diagram at each level and direction, the per-stage and per-layer tables."""

from __future__ import annotations

import functools

import archspec
from tests.app.conftest import metric, open_app, set_spec, spec_text, switch


def _diagrams(at) -> list[str]:
    """The diagrams on screen: server-drawn SVG in HTML, or the DOT source of a browser-drawn chart."""
    html = [m.value for m in at.markdown if "archspec-diagram" in m.value]
    return html + [c.proto.spec for c in at.get("graphviz_chart")]


def _dot(at) -> str:
    charts = _diagrams(at)
    assert len(charts) == 1
    return charts[0]


def test_tables_hold_every_stage_and_layer() -> None:
    at = open_app("See")
    net = archspec.load("resnet50")
    stages, layers = (d.value for d in at.dataframe)
    assert list(stages["stage"]) == [s.name for s in net.stages]
    assert list(stages["params"]) == [s.params for s in net.stages]
    assert list(stages["macs"]) == [s.macs for s in net.stages]
    assert list(stages["output"])[1] == "256×56×56"
    assert list(stages["depth"])[1:5] == [3, 4, 6, 3]
    assert list(stages["stride"])[1:5] == [1, 2, 2, 2]
    assert len(layers) == len(net.layers)
    assert int(layers["params"].sum()) == net.params
    assert {"output", "memory"} <= set(layers.columns)


def test_layer_table_filters_by_stage() -> None:
    at = open_app("See")
    at.selectbox(key="layer_stage").select("stage4").run()
    layers = at.dataframe[1].value
    assert set(layers["stage"]) == {"stage4"}


def test_diagram_follows_level_and_direction() -> None:
    at = open_app("See")
    block = _dot(at)
    assert block.startswith('<div class="archspec-diagram" data-level="block" data-rankdir="TB"') and "<svg" in block
    at.radio(key="see_level").set_value("layer").run()
    layer = _dot(at)
    assert layer != block and 'data-level="layer"' in layer
    at.radio(key="see_dir").set_value("LR").run()
    assert 'data-rankdir="LR"' in _dot(at) and _dot(at) != layer


def test_diagram_follows_edits_and_survives_a_break() -> None:
    at = open_app("Edit")
    text = spec_text(at)
    before = _dot(at)  # the Edit tab's stage-level preview
    set_spec(at, text.replace("512 x3 s2", "512 x1 s2"))
    after = _dot(at)
    assert after != before
    set_spec(at, text.replace("512 x3 s2", "512 x3 s2 oops"))
    assert at.error
    assert _dot(at) == after  # the last good diagram stays
    switch(at, "See")
    assert at.warning and "last design that analysed" in at.warning[0].value
    assert metric(at, "Layers") == f"{len(archspec.loads(text.replace('512 x3 s2', '512 x1 s2')).layers)}"


def test_a_huge_layer_view_waits_to_be_asked() -> None:
    at = open_app("See", model="efficientnet_b7")
    at.radio(key="see_level").set_value("layer").run()
    assert not _diagrams(at)
    assert any("layer view" in i.value for i in at.info)
    at.checkbox(key="draw_large").check().run()
    assert "<svg" in _dot(at)


def test_diagrams_are_laid_out_once_on_the_server(monkeypatch) -> None:
    """One `dot` run per distinct diagram, its SVG shared by every session; the browser only shows it."""
    from archspec.explorer import render

    calls: list[str] = []
    real = render.render_svg.__wrapped__

    def counting(dot: str) -> bytes | None:
        calls.append(dot)
        return real(dot)

    monkeypatch.setattr(render, "render_svg", functools.lru_cache(maxsize=48)(counting))
    first, second = open_app("See", model="resnet34"), open_app("See", model="resnet34")
    assert _dot(first) == _dot(second)
    assert len(calls) == 1 and "digraph" in calls[0]


def test_the_browser_lays_out_when_asked(monkeypatch) -> None:
    from archspec.explorer.render import LAYOUT_ENV

    monkeypatch.setenv(LAYOUT_ENV, "browser")
    at = open_app("See")
    assert at.get("graphviz_chart") and "digraph" in _dot(at)


def test_the_edit_preview_scales_to_its_column_and_see_scrolls() -> None:
    """Beside the editor the stage diagram (its legend to the right) is scaled to the column; the See
    tab keeps the diagram at full size in a scrolling box, where text stays readable."""
    edit = _dot(open_app("Edit"))
    see = _dot(open_app("See"))
    fitted = '<svg style="max-width:100%;height:auto"'
    assert 'data-level="stage"' in edit and fitted in edit
    assert 'data-level="block"' in see and fitted not in see and "<svg" in see
