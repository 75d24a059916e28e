"""Weight: torch stays unimported, analysis is cached, an edit of EfficientNet-B7 re-analyses (its time: bench/)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid

import pytest

import archspec
from tests.app.conftest import APP, ROOT, exact, open_app, set_spec, spec_text

# Every tab, in a fresh interpreter: which heavy modules did the explorer pull in?
PROBE = textwrap.dedent("""
    import json, sys
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(sys.argv[1], default_timeout=120)
    at.query_params["model"] = "efficientnet_b0"
    at.run()
    errors = [str(e.value) for e in at.exception]
    for page in ("See", "Scale", "Compare", "Export"):
        at.session_state["page"] = page
        at.run()
        errors += [str(e.value) for e in at.exception]
    print(json.dumps({"torch": "torch" in sys.modules, "errors": errors}))
""")


@pytest.mark.parametrize("script", [APP, pytest.param("app/explorer.py", marks=pytest.mark.slow)], ids=["packaged", "checkout"])
def test_torch_is_never_imported(script: str) -> None:
    """Every tab runs without an error and without torch, from the package and from the checkout's script."""
    done = subprocess.run([sys.executable, "-c", PROBE, script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["torch"] is False


def test_an_edit_of_efficientnet_b7_rerenders() -> None:
    """Each edit re-analyses (the output width follows the text). How long it takes is measured by
    ``python -m bench.explorer_edit``, not asserted here: a busy machine is not a failure."""
    at = open_app("Edit", model="efficientnet_b7")
    text = spec_text(at)
    params = [exact(at, "Params")]
    for width in (1001, 1002, 1003):
        at.session_state["spec"] = text.replace("fc 1000", f"fc {width}")
        at.run()
        assert not at.exception and not at.error
        params.append(exact(at, "Params"))
    # One more class adds one row of the classifier: its 2,560 input features and a bias.
    assert [b - a for a, b in zip(params, params[1:], strict=False)] == [2561] * 3, params


def test_analysis_is_cached(app, monkeypatch) -> None:
    calls: list[str] = []
    real = archspec.loads

    def counting(text: str, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(archspec, "loads", counting)
    text = spec_text(app)
    edited = text + f"\n# {uuid.uuid4()}\n"  # a text no earlier test has put in the cache
    set_spec(app, edited)
    first = calls.count(edited)
    assert first >= 1
    set_spec(app, text)
    set_spec(app, edited)  # back to a text already analysed: served from the cache
    assert calls.count(edited) == first
