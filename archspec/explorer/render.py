"""Diagrams and downloadable artifacts, made by the library's own backends when they are present.

The diagram comes from ``Network.to_dot`` (archspec's Graphviz backend) and the PyTorch source
from ``archspec.backends.pysource``; the explorer draws nothing itself. Both are looked up, not
assumed, so the explorer runs on a checkout that has neither.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import subprocess
from typing import Any

import pandas as pd
import streamlit as st

from archspec.explorer.model import Overrides, analyse, layer_rows, stage_rows
from archspec.network import Network

HAVE_DIAGRAMS = hasattr(Network, "to_dot")
LEVELS = ("stage", "block", "layer")
DIRECTIONS = ("TB", "LR")
SVG_TIMEOUT_S = 30  # one layout's limit: past it the diagram is not drawn (its DOT is still exported)


def _has_module(name: str) -> bool:
    """Whether a module exists, found without importing it (so without importing what it imports)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def diagrams_available() -> bool:
    # Looked up again on each call: the backend may be installed while a server runs.
    return HAVE_DIAGRAMS or hasattr(Network, "to_dot") or _has_module("archspec.backends.graphviz")


def _to_dot(net: Network, level: str, rankdir: str, theme: str) -> str:
    """``Network.to_dot``, or the Graphviz backend's module function where the method is missing."""
    kwargs = {"level": level, "rankdir": rankdir} | ({"theme": theme} if theme != "light" else {})
    if hasattr(net, "to_dot"):
        dot = net.to_dot(**kwargs)
    else:
        from archspec.backends import graphviz

        dot = graphviz.to_dot(net, **kwargs)
    return str(getattr(dot, "source", dot))


def screen_theme() -> str:
    """The viewer's Streamlit theme, so a diagram matches the page (light where unknown)."""
    try:
        kind = st.context.theme.type
    except Exception:  # noqa: BLE001 -- no browser context (tests, threads)
        return "light"
    return kind if kind in ("light", "dark") else "light"


def have_dot() -> bool:
    return shutil.which("dot") is not None


@st.cache_data(max_entries=64, show_spinner=False)
def dot_source(
    text: str, file: str, variant: str | None, overrides: Overrides, level: str, rankdir: str, theme: str = "light"
) -> tuple[str | None, str | None]:
    """(DOT source, None) or (None, why not) for a design at a level and direction."""
    if not diagrams_available():
        return None, "the diagram backend (archspec.backends.graphviz) is not installed in this archspec"
    out = analyse(text, file, variant, overrides)
    if out.net is None:
        return None, "the spec does not analyse"
    try:
        return _to_dot(out.net, level, rankdir, theme), None
    except Exception as exc:  # noqa: BLE001 -- a diagram failure must not hide the numbers
        return None, f"the {level} diagram could not be drawn: {type(exc).__name__}: {exc}"


# Where diagrams are laid out: "server" (Graphviz's `dot` here, once per distinct diagram, the SVG
# shared by every session) or "browser" (Streamlit's graphviz_chart: every browser lays out every
# diagram itself, with Graphviz compiled to WebAssembly). Server when `dot` is installed.
LAYOUT_ENV = "ARCHSPEC_EXPLORER_LAYOUT"


def layout_on_server() -> bool:
    return os.environ.get(LAYOUT_ENV, "server") != "browser" and have_dot()


@functools.lru_cache(maxsize=48)
def render_svg(dot: str) -> bytes | None:
    """DOT → SVG with Graphviz's ``dot`` (None when it is missing or fails); cached for every session."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=SVG_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None


def inline_svg(dot: str, level: str, rankdir: str, fit: bool = False) -> str | None:
    """The diagram as HTML: the SVG (without its XML prolog, on one line so that Markdown leaves it
    alone) in a scrolling box, or None; ``fit``: scaled down to the column's width instead (a preview
    beside the editor). Labels are escaped by the Graphviz backend and by ``dot``."""
    svg = render_svg(dot)
    if svg is None:
        return None
    text = svg.decode("utf-8", "replace")
    start = text.find("<svg")
    if start < 0:
        return None
    body = text[start:]
    if fit:
        body = '<svg style="max-width:100%;height:auto"' + body[len("<svg"):]
    return (f'<div class="archspec-diagram" data-level="{level}" data-rankdir="{rankdir}" '
            f'style="overflow:auto;max-width:100%;max-height:80vh">{" ".join(body.split(chr(10)))}</div>')


def pysource_available() -> bool:
    """Whether the PyTorch source backend and torch exist, found without importing them."""
    return _has_module("archspec.backends.pysource") and _has_module("torch")


def python_source(net: Network) -> str | None:
    """The standalone PyTorch source of a network (imports torch), when the backend exists."""
    if hasattr(net, "to_python"):
        return str(net.to_python())
    if not pysource_available():
        return None
    from archspec.backends import pysource

    return str(pysource.generate(net))


def analysis_json(net: Network) -> str:
    return json.dumps(net.to_dict(per_layer=True), indent=1, default=str)


def stage_csv(net: Network) -> str:
    return pd.DataFrame(stage_rows(net)).to_csv(index=False)


def layer_csv(net: Network) -> str:
    return pd.DataFrame(layer_rows(net)).to_csv(index=False)


def file_stem(net: Network, overrides: Overrides) -> str:
    """``efficientnet_b3`` or ``resnet50_alpha0.5``: a download name that says what it holds."""
    stem = net.name + (f"_{net.variant}" if net.variant else "")
    for k, v in overrides:
        stem += f"_{k}{v:g}"
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in stem)


def artifacts(net: Network) -> dict[str, Any]:
    """Name → content of the cheap artifacts (the diagram and the source are made on demand)."""
    return {"analysis.json": analysis_json(net), "stages.csv": stage_csv(net), "layers.csv": layer_csv(net)}
