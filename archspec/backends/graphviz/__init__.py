"""Diagrams drawn from the layer graph's hierarchy, nothing traced: stage, block and layer views.

``to_dot(net, level)`` writes DOT text (no Graphviz needed); ``render_bytes(net, fmt)`` runs
Graphviz's ``dot`` for svg, png or pdf. The same spec always gives the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from importlib import import_module
from typing import TYPE_CHECKING

from archspec.backends.graphviz.theme import THEMES, get_theme

if TYPE_CHECKING:
    from archspec.backends import Producer
    from archspec.backends.target import Target

LEVELS = ("stage", "block", "layer")
RANKDIRS = ("TB", "LR")
FORMATS = ("svg", "png", "pdf", "dot")
# Block level: one column top to bottom, or stages wrapped into columns fitted to a page.
LAYOUTS = ("column", "compact")
# A diagram of the whole network, or a block (or stage) drawn the way the papers draw it.
STYLES = ("diagram", "paper")
INSTALL_HINT = "install Graphviz for svg/png/pdf: apt-get install graphviz (brew install graphviz on macOS)"
DOT_TIMEOUT_S = 600
# PNG resolution: 192 dpi is twice a screen's 96, sharp on a retina display and fine in print (a
# 500-point-wide diagram is 1333 pixels). ``--dpi 300`` for a journal's figure.
DEFAULT_DPI = 192


class DotError(RuntimeError):
    """Graphviz is missing, or ``dot`` failed."""


def have_dot() -> bool:
    """Whether Graphviz's ``dot`` is on PATH (looked up on every call, so PATH changes count)."""
    return shutil.which("dot") is not None


def to_dot(net: Target, level: str = "block", rankdir: str = "TB", theme: str = "light", *,
           layout: str = "column", fold: bool = True, style: str = "diagram", block: str | None = None) -> str:
    """The diagram as DOT text.

    ``layout`` (block level): ``column``, one column top to bottom, or ``compact``, stages wrapped
    into columns with numbered continuations. ``fold`` (layer level): draw one of each run of
    identical blocks. ``style="paper"`` draws one block, or the blocks of one stage (``block``: a
    path such as ``stage2.1`` or ``stage2``), the way the papers draw them.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level `{level}`; choose one of {', '.join(LEVELS)}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"unknown rankdir `{rankdir}`; choose one of {', '.join(RANKDIRS)}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout `{layout}`; choose one of {', '.join(LAYOUTS)}")
    if style not in STYLES:
        raise ValueError(f"unknown style `{style}`; choose one of {', '.join(STYLES)}")
    if style == "paper":
        from archspec.backends.graphviz import paper

        return paper.build(net, get_theme(theme), rankdir, level=level, block=block)
    if block is not None:
        raise ValueError("`block` picks what a paper-style figure draws; add style='paper'")
    builder = import_module(f"archspec.backends.graphviz.{level}")
    opts = {"block": {"layout": layout}, "layer": {"fold": fold}}.get(level, {})
    return builder.build(net, get_theme(theme), rankdir, **opts)


def run_dot(source: str, fmt: str, dpi: int | None = None) -> bytes:
    """Lay out DOT text with Graphviz and return the file's bytes; a png at ``dpi`` (DEFAULT_DPI).
    PDF fonts are embedded (cairo embeds a subset of each)."""
    exe = shutil.which("dot")
    if exe is None:
        raise DotError(f"Graphviz `dot` is not on PATH; {INSTALL_HINT}")
    args = [exe, f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={dpi or DEFAULT_DPI}")
    # Graphviz's PDF writer stamps a creation date unless SOURCE_DATE_EPOCH pins it.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    try:
        p = subprocess.run(args, input=source.encode("utf-8"), capture_output=True, env=env,
                           timeout=DOT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise DotError(f"`dot -T{fmt}` took more than {DOT_TIMEOUT_S} s") from None
    if p.returncode != 0:
        msg = p.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DotError(f"`dot -T{fmt}` failed: {msg[-1] if msg else f'exit status {p.returncode}'}")
    if fmt == "svg":
        return svg_titles(p.stdout)
    if fmt == "pdf":
        # Older cairo ignores SOURCE_DATE_EPOCH; pin the dates in place (same length, so the
        # cross-reference offsets stay right).
        return _PDF_DATE.sub(lambda m: m.group(1) + b"19700101000000" + m.group(3), p.stdout)
    return p.stdout


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)(\d{14})([^)]*\))")
# A node with a tooltip: Graphviz writes the tooltip as the xlink:title of a link inside the node's
# group and the group's <title> as the node's name.
_TOOLTIP = re.compile(rb'(<title>)[^<]*(</title>\n<g id="[^"]*"><a xlink:title=")([^"]*)(")')


def svg_titles(svg: bytes) -> bytes:
    """The SVG with each tooltip also the <title> of its node's group, which browsers show on hover
    anywhere over the node and screen readers read; ids are left as they are."""
    # The attribute's escapes (&quot; &amp; &lt; &#10;) are valid in text as they stand.
    return _TOOLTIP.sub(lambda m: m[1] + m[3] + m[2] + m[3] + m[4], svg)


def render_bytes(net: Target, fmt: str = "svg", level: str = "block", rankdir: str = "TB", theme: str = "light",
                 dpi: int | None = None, **options: str | bool | None) -> bytes:
    """The diagram in ``fmt`` (svg, png at ``dpi``, pdf, or dot for the DOT text itself); ``options``
    as ``to_dot``'s."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format `{fmt}`; choose one of {', '.join(FORMATS)}")
    source = to_dot(net, level, rankdir, theme, **options)  # type: ignore[arg-type]
    if fmt == "dot":
        return source.encode("utf-8")
    return run_dot(source, fmt, dpi)


__all__ = ["DEFAULT_DPI", "FORMATS", "INSTALL_HINT", "LAYOUTS", "LEVELS", "RANKDIRS", "STYLES", "THEMES",
           "DotError", "have_dot", "render_bytes",
           "run_dot", "to_dot"]


def svg_files(target: Target, module: object = None) -> dict[str, Producer]:
    """The ``svg`` backend: the block-level diagram; nothing where Graphviz's ``dot`` is missing."""
    if not have_dot():
        return {}
    return {f"{target.name}.svg": lambda: render_bytes(target, "svg", level="block")}


def dot_files(target: Target, module: object = None) -> dict[str, Producer]:
    """The ``dot`` backend: the block-level diagram as DOT text (no Graphviz needed)."""
    return {f"{target.name}.dot": lambda: to_dot(target, "block")}
