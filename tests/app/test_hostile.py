"""Hostile text in the explorer's editor gives an error on the page: never a traceback, never a stuck page.

Each paste must finish within AppTest's timeout (a run past it raises), show an error, and leave
no exception; the explorer then recovers when the text is fixed.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import metric, open_app, set_spec

H = "network t\ninput 3x32x32\n"
STEM = "stem:\n  conv 8 k3\n"
DOUBLING = "".join(f"block b{i}(c):\n  b{i - 1} c\n  b{i - 1} c\n" for i in range(1, 26))

HOSTILE = {
    "over the size cap": "x" * 300_000,
    "one huge line under the cap": H + "stem:\n  conv 8 k3" + " 1" * 90_000 + "\n",
    "70,000 layers from a repeat": H + STEM + "  repeat 70000:\n    act\n",
    "binary bytes": bytes(range(1, 256)).decode("latin-1") * 50,
    "NUL bytes": H + STEM + "\x00" * 100,
    "control characters": H + "stem:\x1b[2J\x07\x08\n  conv 8 k3\n",
    "emoji and right-to-left marks": H + "stem:\n  conv 😀 k3 \u202e\n",
    "self-recursive block": H + "block a(c):\n  a c\nstem:\n  a 8\n",
    "mutually recursive blocks": H + "block a(c):\n  b c\nblock b(c):\n  a c\nstem:\n  a 8\n",
    "blocks doubling 25 deep": H + DOUBLING + "block b0(c):\n  act\n" + STEM + "  b25 8\n",
    "1e9 repeats": H + "stages basic:\n  64 x1000000000 s1\n",
    "a loop that makes no layers": H + STEM + "  repeat 90000:\n    repeat 90000:\n      let q = 1\n",
    "1e12 channels": H + "stem:\n  conv 1000000000000 k3\n",
    "1e6 x 1e6 input": "network t\ninput 3x1000000x1000000\n" + STEM,
    "deep indentation": H + "stem:\n" + "".join("  " * i + "residual:\n" for i in range(1, 200)) + "  " * 200 + "conv 3 k3\n",
    "deep parentheses": H + "let a = " + "(" * 5000 + "1" + ")" * 5000 + "\n" + STEM,
    "long expression": H + "let a = " + "1+" * 20_000 + "1\n" + STEM,
    "5000-digit number": H + "stem:\n  conv " + "9" * 5000 + " k3\n",
    "a spec IR that is not one": '{"name": ' + "[" * 5000 + "]" * 5000 + "}",
}


@pytest.fixture(scope="module")
def app() -> AppTest:
    return open_app()


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_text_shows_an_error(app: AppTest, text: str) -> None:
    set_spec(app, text)  # past AppTest's timeout this raises: a stuck page fails
    assert not app.exception, app.exception
    assert app.error, "no error shown"
    shown = " ".join(e.value for e in app.error) + " ".join(c.value for c in app.code)
    assert "Traceback" not in shown
    assert "internal error" not in shown and "This is a bug" not in shown, shown[:500]


@pytest.mark.slow  # ~5 s
def test_a_big_valid_spec_analyses(app: AppTest) -> None:
    """19,000 layers written out one per line: large, but a design, not an attack."""
    set_spec(app, H + STEM + "  act\n" * 19_000)
    assert not app.exception and not app.error
    assert metric(app, "Layers") == "19,003"  # conv, norm, act, then the acts


def test_past_the_explorers_budget_the_hint_names_the_command_line(app: AppTest) -> None:
    from archspec.explorer.model import BUDGET

    set_spec(app, H + STEM + "  act\n" * (BUDGET.max_nodes + 10))
    assert not app.exception and app.error
    assert f"more than {BUDGET.max_nodes:,} layers" in " ".join(e.value for e in app.error)
    assert "archspec analyze FILE --max-layers N" in " ".join(c.value for c in app.code)  # the report under it


def test_explorer_recovers_after_hostile_text(app: AppTest) -> None:
    set_spec(app, HOSTILE["binary bytes"])
    assert app.error
    set_spec(app, H + STEM)
    assert not app.exception and not app.error
    assert metric(app, "Params") == "232"
