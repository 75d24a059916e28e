"""The Edit tab: load a zoo model, edit the text, see the numbers change, break it, see the error."""

from __future__ import annotations

import pytest

import archspec
from tests.app.conftest import exact, metric, open_app, set_spec, spec_text


def test_starts_on_a_zoo_model(app) -> None:
    assert "network resnet50" in spec_text(app)
    assert metric(app, "Params") == "25.56 M"
    assert exact(app, "MACs") == archspec.load("resnet50").macs
    assert "resnet50" in app.success[0].value
    assert not app.error


def test_picking_a_zoo_model_loads_its_text(app) -> None:
    app.selectbox(key="model").select("resnet18").run()
    assert "network resnet18" in spec_text(app)
    assert exact(app, "Params") == archspec.load("resnet18").params
    assert metric(app, "Layers") == f"{len(archspec.load('resnet18').layers)}"


def test_blank_template_analyses(app) -> None:
    app.selectbox(key="model").select("(blank spec)").run()
    assert "network mynet" in spec_text(app)
    assert app.success and not app.error


def test_editing_changes_the_numbers(app) -> None:
    before = exact(app, "Params")
    text = spec_text(app)
    set_spec(app, text.replace("fc 1000", "fc 10"))
    after = exact(app, "Params")
    assert after == archspec.loads(text.replace("fc 1000", "fc 10")).params
    assert after < before
    # Δ against the model as loaded
    delta = next(m.delta for m in app.metric if m.label == "Params")
    assert delta.startswith("-")


def test_broken_spec_shows_the_located_error_and_keeps_the_last_good_numbers(app) -> None:
    text = spec_text(app)
    broken = text.replace("  conv 64 k7 s2\n", "  conv 64 k7 s2 act=rleu\n")
    set_spec(app, broken)
    with pytest.raises(archspec.SpecError) as raised:
        archspec.loads(broken, "resnet50.arch")
    err = raised.value
    assert app.error, "no error shown"
    assert f"line {err.line}:{err.col}" in app.error[0].value
    assert "unknown activation" in app.error[0].value
    # The report is the CLI's, character for character: file:line:col, the line, the caret, the hint.
    assert app.code[0].value == err.format()
    assert "conv 64 k7 s2 act=rleu" in app.code[0].value
    assert "did you mean `relu`?" in app.code[0].value
    # The last good design stays on screen.
    assert metric(app, "Params") == "25.56 M"
    assert not app.exception


def test_fixing_the_spec_recovers(app) -> None:
    text = spec_text(app)
    set_spec(app, text.replace("fc 1000", "fc 1000 bogus=1"))
    assert app.error
    set_spec(app, text.replace("fc 1000", "fc 100"))
    assert not app.error
    assert exact(app, "Params") == archspec.loads(text.replace("fc 1000", "fc 100")).params


def test_oversized_spec_is_refused_with_a_message(app) -> None:
    text = spec_text(app)
    set_spec(app, text + "#" * 210_000 + "\n")
    assert "at most 200 KB" in app.error[0].value
    assert metric(app, "Params") == "25.56 M"


@pytest.mark.parametrize("text", ["resnet50", "specs/resnet50.arch", "/etc/passwd"])
def test_text_is_never_taken_for_a_name_or_a_path(app, text: str) -> None:
    # `archspec.load` would open these; the explorer parses them as spec text and rejects them.
    set_spec(app, text)
    assert app.error
    assert app.code[0].value.startswith("resnet50.arch:1:")


def test_an_internal_failure_is_a_message_not_a_traceback(app, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(archspec, "loads", boom)
    set_spec(app, spec_text(app) + "\n# a text not yet in the cache\n")
    assert "internal error: RuntimeError: boom" in app.error[0].value
    assert not app.exception


def test_a_family_spec_offers_its_variants() -> None:
    at = open_app(model="efficientnet_b3")
    assert at.selectbox(key="variant_pick").value == "b3"
    net = archspec.load("efficientnet_b3")
    assert exact(at, "Params") == net.params
    at.selectbox(key="variant_pick").select("b0").run()
    assert exact(at, "Params") == archspec.load("efficientnet_b0").params


def test_opening_an_uploaded_spec(app) -> None:
    text = "network tiny\ninput 3x32x32\nstem:\n  conv 8 k3\nhead:\n  avgpool global\n  flatten\n  fc 10\n"
    app.file_uploader(key="upload").upload("tiny.arch", text.encode(), "text/plain").run()
    assert spec_text(app) == text
    assert exact(app, "Params") == archspec.loads(text).params


@pytest.mark.parametrize(("content", "message"), [(b"\xff\xfe not text", "not UTF-8"), (b"#" * 250_000, "up to 200 KB")])
def test_a_bad_upload_leaves_the_editor_alone(app, content: bytes, message: str) -> None:
    before = spec_text(app)
    app.file_uploader(key="upload").upload("bad.arch", content, "text/plain").run()
    assert any(message in w.value for w in app.warning)
    assert spec_text(app) == before
    assert not app.exception


def test_revert_undoes_the_edits(app) -> None:
    text = spec_text(app)
    set_spec(app, text.replace("fc 1000", "fc 10"))
    app.button(key="revert").click().run()
    assert spec_text(app) == text
    assert metric(app, "Params") == "25.56 M"
