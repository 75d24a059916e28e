"""Speed and weight: torch stays unimported, analysis is cached, an edit of EfficientNet-B7 is quick."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import uuid

import archspec
from tests.app.conftest import ROOT, open_app, set_spec

# Every tab, in a fresh interpreter: which heavy modules did the explorer pull in?
PROBE = textwrap.dedent("""
    import json, sys
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file("app/explorer.py", default_timeout=120)
    at.query_params["model"] = "efficientnet_b0"
    at.run()
    errors = [str(e.value) for e in at.exception]
    for page in ("See", "Scale", "Compare", "Export"):
        at.session_state["page"] = page
        at.run()
        errors += [str(e.value) for e in at.exception]
    print(json.dumps({"torch": "torch" in sys.modules, "errors": errors}))
""")


def test_torch_is_never_imported() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["torch"] is False


def test_an_edit_of_efficientnet_b7_rerenders_quickly() -> None:
    at = open_app("Edit", model="efficientnet_b7")
    text = at.text_area(key="spec").value
    timings = []
    for width in (1001, 1002, 1003):
        at.text_area(key="spec").input(text.replace("fc 1000", f"fc {width}"))
        t0 = time.perf_counter()
        at.run()
        timings.append(time.perf_counter() - t0)
        assert not at.exception and not at.error
    # Typically 0.1-0.3 s here (parse, lower, analyse, diagram, metrics); the bound leaves room
    # for a loaded CI machine. Figures to quote belong in bench/, not in a test.
    assert min(timings) < 1.0, timings


def test_analysis_is_cached(app, monkeypatch) -> None:
    calls: list[str] = []
    real = archspec.loads

    def counting(text: str, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(archspec, "loads", counting)
    text = app.text_area(key="spec").value
    edited = text + f"\n# {uuid.uuid4()}\n"  # a text no earlier test has put in the cache
    set_spec(app, edited)
    first = calls.count(edited)
    assert first >= 1
    set_spec(app, text)
    set_spec(app, edited)  # back to a text already analysed: served from the cache
    assert calls.count(edited) == first
