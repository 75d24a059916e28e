"""The spec editor (archspec/explorer/editor): what the page hands it, what it hands back, its bundle.

The editor itself runs in the browser (tests/app/test_browser.py types into it); here, the data it
is drawn with: the text and its version, the located error, the per-line shapes, the word lists.
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest
import streamlit as st

import archspec
from archspec.explorer import editor, state
from archspec.explorer.model import load_uncached
from tests.app.conftest import open_app, set_spec, spec_text

SRC = editor.FRONTEND.parent / "src"


def _editor_args(at) -> dict:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("spec_editor")]
    return json.loads(component.proto.json_args)


def test_the_edit_tab_draws_the_editor_with_the_spec() -> None:
    at = open_app()
    args = _editor_args(at)
    assert args["text"] == spec_text(at) and "network resnet50" in args["text"]
    assert args["error"] is None
    assert 0 < args["debounce_ms"] <= 1000  # as you type: sent a short pause after the last key
    assert "conv" in args["words"]["ops"] and "residual" in args["words"]["combinators"]
    assert not at.text_area  # the plain text area is gone


def test_a_broken_spec_is_marked_at_its_line() -> None:
    at = open_app()
    text = spec_text(at)
    broken = text.replace("  conv 64 k7 s2\n", "  conv 64 k7 s2 act=rleu\n")
    set_spec(at, broken)
    with pytest.raises(archspec.SpecError) as raised:
        archspec.loads(broken, "resnet50.arch")
    err = raised.value
    mark = _editor_args(at)["error"]
    assert (mark["line"], mark["col"], mark["end_line"], mark["end_col"]) == (7, 17, err.span.end_line, err.span.end_col)
    assert mark["message"] == "unknown activation `rleu`" and "relu" in mark["hint"]
    # While the text is broken the editor keeps the last shapes (hints: None), and the page the last design.
    assert _editor_args(at)["hints"] is None


def test_loading_a_model_replaces_the_editors_text_and_typing_does_not() -> None:
    at = open_app()
    version = _editor_args(at)["version"]
    set_spec(at, spec_text(at).replace("fc 1000", "fc 10"))  # what typing does: the version stays
    assert _editor_args(at)["version"] == version
    at.selectbox(key="model").select("resnet18").run()
    assert _editor_args(at)["version"] == version + 1
    assert "network resnet18" in _editor_args(at)["text"]
    set_spec(at, spec_text(at) + "# edited\n")
    at.button(key="revert").click().run()
    assert _editor_args(at)["version"] == version + 2 and "# edited" not in _editor_args(at)["text"]


def test_the_editors_text_becomes_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    session: dict = {editor.KEY: {"text": "network x\n", "seq": 3}}
    monkeypatch.setattr(st, "session_state", session)
    state.on_edit()
    assert session["spec"] == "network x\n" and session["spec_seq"] == 3
    session[editor.KEY] = None  # no value yet: nothing changes
    state.on_edit()
    assert session["spec"] == "network x\n"


@pytest.mark.parametrize("name", ["resnet50", "mobilenet_v2", "inception_v3", "efficientnet_b0"])
def test_line_hints_are_the_analysis_shapes(name: str) -> None:
    net = archspec.load(name)
    text = net.source or ""
    hints = {h["line"]: h for h in editor.line_hints(net, text.count("\n") + 1)}
    lines = text.splitlines()
    # The stem's first layer line and the head's classifier line show the analysis' own shapes.
    fc_line = next(i for i, s in enumerate(lines, 1) if s.strip().startswith("fc "))
    assert hints[fc_line]["text"] == "→ " + "×".join(map(str, net.output))
    for s in net.stages:
        assert any(h.get("title", "").startswith(f"{_three(s.params)} params") for h in hints.values()), s.name
    # Every hint names a shape some layer has.
    shapes = {"→ " + "×".join(map(str, x.out)) for x in net.layers}
    assert {h["text"] for h in hints.values()} <= shapes


def _three(n: int) -> str:
    from archspec.explorer.model import short

    return short(n)


def test_resnet50_line_by_line() -> None:
    net = archspec.load("resnet50")
    hints = {h["line"]: h["text"] for h in editor.line_hints(net, 20)}
    assert hints[7] == "→ 64×112×112"  # conv 64 k7 s2
    assert hints[8] == "→ 64×56×56"  # maxpool k3 s2 p1
    assert [hints[n] for n in (11, 12, 13, 14)] == ["→ 256×56×56", "→ 512×28×28", "→ 1024×14×14", "→ 2048×7×7"]
    assert hints[19] == "→ 1000"


def test_a_huge_spec_gets_no_hints() -> None:
    assert editor.line_hints(archspec.load("resnet18"), editor.MAX_HINT_LINES + 1) == []


def test_error_mark_of_an_unlocated_problem_is_none() -> None:
    assert editor.error_mark(load_uncached("#" * 300_000).problem) is None
    assert editor.error_mark(None) is None


def test_the_bundle_is_built_from_the_source_in_the_repository() -> None:
    """editor.js says which main.js and package-lock.json it was built from (src/build.sh)."""
    digest = hashlib.sha256((SRC / "main.js").read_bytes() + (SRC / "package-lock.json").read_bytes()).hexdigest()[:16]
    head = (editor.FRONTEND / "editor.js").read_text(encoding="utf-8").split("\n", 1)[0]
    found = re.search(r"source ([0-9a-f]{16})", head)
    assert found and found.group(1) == digest, "editor.js is stale: run `bash archspec/explorer/editor/src/build.sh`"
    html = (editor.FRONTEND / "index.html").read_text(encoding="utf-8")
    assert '<script src="./editor.js">' in html and "http" not in html  # nothing from the network
    assert "MIT" in (editor.FRONTEND / "THIRD_PARTY.txt").read_text(encoding="utf-8")
