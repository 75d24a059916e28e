"""The explorer's spec editor: CodeMirror 6 in a Streamlit component, served from this package.

Line numbers, ``.arch`` highlighting (the words of ``archspec.lexer``), a monospace font, undo and
the usual keys (Ctrl+Z, Ctrl+F, Ctrl+/ for comments, Tab to indent); the located error marked at its
line with its message under it; each line's output shape at its end. The editor sends its text a
short pause after typing stops (Ctrl+Enter or Ctrl+S at once). The frontend is one bundled file,
``frontend/editor.js``, built from ``src/`` by ``src/build.sh``: the page fetches nothing from
the network.

Python replaces the editor's text only when ``version`` changes (a model loaded, a revert, an
upload), so an analysis that arrives while the user types never undoes their typing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from archspec.explorer.model import short
from archspec.network import Network

FRONTEND = Path(__file__).with_name("frontend")
KEY = "spec_editor"  # the component's widget key: its value is {"text": ..., "seq": n}
DEBOUNCE_MS = 400  # the pause after the last keystroke before the text is sent
HEIGHT = 640
MAX_HINT_LINES = 5_000  # a longer spec gets no per-line shapes: they would cost more than they tell

_component: Callable[..., Any] | None = None


def _declared() -> Callable[..., Any]:
    """The component, declared once per process (importing Streamlit only when it is drawn)."""
    global _component
    if _component is None:
        import streamlit.components.v1 as components

        _component = components.declare_component("spec_editor", path=str(FRONTEND))
    return _component


def vocabulary() -> dict[str, list[str]]:
    """The highlighter's word lists: the Pygments lexer's, so both highlight the same words."""
    from archspec.lexer import vocabulary as words

    return words()


def error_mark(problem: Any) -> dict[str, Any] | None:
    """A located problem as the editor marks it (None when the problem has no line in the text)."""
    if problem is None or problem.line is None:
        return None
    return {"line": problem.line, "col": problem.col or 1, "end_line": problem.end_line or problem.line,
            "end_col": problem.end_col or problem.col or 1, "message": problem.message, "hint": problem.hint}


def line_hints(net: Network, lines: int) -> list[dict[str, Any]]:
    """Per line of the spec, what it makes: ``→ 256×56×56`` (and a stage's params and MACs, as a tooltip, at its line).

    A layer line's output is its last node's (nodes are in data-flow order); a block call's is the
    call's last node, so a stage-table row shows its last block's output. Lines past ``lines``
    (the prelude's) are skipped.
    """
    if lines > MAX_HINT_LINES:
        return []
    g = net.graph
    out: dict[int, tuple[int, ...]] = {}
    for node in g.nodes:
        block = g.block_of(node)
        span = block.span if block is not None else node.span
        if span is not None and 1 <= span.line <= lines:
            out[span.line] = node.out
    stage_line = {s.name: s.span.line for s in g.scopes if s.kind == "stage" and s.span is not None}
    cost: dict[int, str] = {}
    for s in net.stages:
        line = stage_line.get(s.name)
        if line is not None and 1 <= line <= lines and line not in cost:
            cost[line] = f"{short(s.params)} params · {short(s.macs)} MACs"
            out.setdefault(line, tuple(s.out))
    hints = []
    for line in sorted(out):
        hint: dict[str, Any] = {"line": line, "text": "→ " + "×".join(map(str, out[line]))}
        if line in cost:
            hint["title"] = cost[line]
        hints.append(hint)
    return hints


def spec_editor(text: str, version: int, *, error: dict[str, Any] | None, hints: list[dict[str, Any]] | None,
                seq: int = 0, on_change: Callable[[], None] | None = None, height: int = HEIGHT) -> None:
    """Draw the editor. Its typing reaches ``st.session_state[KEY]`` and then ``on_change``."""
    _declared()(text=text, version=version, error=error, hints=hints, seq=seq, words=vocabulary(), height=height,
                debounce_ms=DEBOUNCE_MS, key=KEY, default=None, on_change=on_change)
