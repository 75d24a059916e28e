"""A spec drawn into a documentation page: the inline SVG diagram (its hierarchical ids kept for deep
links) and, if asked, the paper-style stage table, as one HTML fragment. What the Sphinx directive
(``archspec.sphinx``) and the Markdown extension (``archspec.markdown``) share; it imports neither.

Options, the same words in both: ``level`` (stage, block, layer), ``direction`` (TB, LR), ``theme``,
``set`` (knobs, ``alpha=0.5 rho=0.8``), ``variant``, ``table`` (``auto``, ``resnet`` or ``tcns``: add
the stage table), ``diagram`` (``no``: the table alone) and ``prefix`` (put before every id of the
SVG, for two diagrams of one network on a page). Fragments are cached by content: the spec's text,
the options, the version of Graphviz and archspec's own files.
"""

from __future__ import annotations

import functools
import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archspec import cache
from archspec.errors import SpecError

OPTIONS = ("level", "direction", "theme", "set", "variant", "table", "diagram", "prefix")
_YES = {"", "yes", "true", "on", "1"}
_NO = {"no", "false", "off", "0"}


class EmbedError(Exception):
    """A spec or an option that cannot be drawn. ``line``: the line of the spec text it points at (1 is
    the block's first line), when the spec was written in the page; ``report`` the full located error."""

    def __init__(self, message: str, line: int | None = None, report: str | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.report = message, line, report or message


@dataclass(frozen=True)
class Options:
    level: str = "block"
    direction: str = "TB"
    theme: str = "light"
    overrides: tuple[tuple[str, Any], ...] = ()
    variant: str | None = None
    table: str | None = None  # a layout, or None for no table
    diagram: bool = True
    prefix: str = ""


def options(raw: dict[str, str | None]) -> Options:
    """Options from the words of a directive or a fence; EmbedError names a bad one."""
    from archspec.backends.graphviz import LEVELS, RANKDIRS, THEMES
    from archspec.cli.common import parse_overrides
    from archspec.papertable import LAYOUTS

    values = {k.replace("-", "_"): ("" if v is None else str(v).strip()) for k, v in raw.items()}
    unknown = sorted(set(values) - set(OPTIONS))
    if unknown:
        raise EmbedError(f"unknown option `{unknown[0]}` (options: {', '.join(OPTIONS)})")

    def choice(key: str, allowed: tuple[str, ...], default: str) -> str:
        value = values.get(key) or default
        if value not in allowed:
            raise EmbedError(f"{key}: `{value}` is not one of {', '.join(allowed)}")
        return value

    try:
        overrides = parse_overrides(re.split(r"[\s,]+", values["set"].strip())) if values.get("set") else {}
    except SpecError as err:
        raise EmbedError(f"set: {err.message}") from None
    table = values.get("table")
    if table is not None:
        table = "auto" if table.lower() in _YES else table
        if table.lower() in _NO:
            table = None
        elif table not in LAYOUTS:
            raise EmbedError(f"table: `{table}` is not one of yes, no, {', '.join(LAYOUTS)}")
    diagram = values.get("diagram", "yes").lower()
    if diagram not in _YES | _NO:
        raise EmbedError(f"diagram: `{diagram}` is not yes or no")
    prefix = values.get("prefix", "")
    if not re.fullmatch(r"[\w.-]*", prefix):
        raise EmbedError(f"prefix: `{prefix}` may hold letters, digits, `_`, `.` and `-` only")
    return Options(choice("level", LEVELS, "block"), choice("direction", RANKDIRS, "TB"), choice("theme", tuple(THEMES), "light"),
                   tuple(sorted(overrides.items())), values.get("variant") or None, table, diagram in _YES, prefix)


def is_reference(body: str) -> bool:
    """Whether a block's text names a spec (a zoo name, a path, ``path.arch:variant``) rather than being one."""
    lines = [ln.strip() for ln in body.strip().splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return len(lines) == 1 and not re.match(r"(network|input|block)\b", lines[0]) and " " not in lines[0]


def source(spec: str, bases: tuple[Path, ...] = ()) -> tuple[str, str, str | None]:
    """(text, file name for errors, variant) of a reference: a path (tried relative to each of ``bases``,
    then to the working directory), ``path.arch:variant``, or a zoo name."""
    from archspec.network import read_spec

    ref = spec.strip()
    head, sep, tail = ref.rpartition(":")
    for base in bases:
        if (base / ref).is_file():
            ref = str(base / ref)
            break
        if sep and (base / head).is_file():
            ref = f"{base / head}:{tail}"
            break
    try:
        src = read_spec(ref)
    except SpecError as err:
        raise EmbedError(err.message + (f" (hint: {err.hint})" if err.hint else ""), None, err.format()) from None
    return src.text, src.file, src.variant


@functools.cache
def _code_stamp() -> str:
    """What the drawing is made by: archspec's files (path, size, time), so that a changed prelude or
    backend in a checkout never reads a stale drawing (a release's version alone would not say)."""
    root = Path(__file__).parent
    files = sorted(p for p in root.rglob("*") if p.suffix in (".py", ".arch", ".lark"))
    stats = [(p.relative_to(root).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    return hashlib.sha256(repr(stats).encode()).hexdigest()


@functools.cache
def _dot_version() -> str:
    try:
        return subprocess.run(["dot", "-V"], capture_output=True, text=True, timeout=30).stderr.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def render(text: str, opts: Options, file: str = "<spec>", variant: str | None = None) -> str:
    """The HTML fragment for spec ``text`` (``file`` names it in errors); cached by content."""
    variant = opts.variant or variant
    name = cache.key("embed", text, file, repr(opts), variant or "", _dot_version(), _code_stamp())
    if name in _MEMO:
        return _MEMO[name]
    found = cache.load(name)
    if isinstance(found, str):
        _MEMO[name] = found
        return found
    html = _render(text, opts, file, variant)
    _MEMO[name] = html
    cache.store(name, html)
    return html


_MEMO: dict[str, str] = {}


def _render(text: str, opts: Options, file: str, variant: str | None) -> str:
    from archspec.network import loads

    try:
        net = loads(text, file, variant, dict(opts.overrides))
    except SpecError as err:
        hint = f" (hint: {err.hint})" if err.hint else ""
        if err.file == file and file.startswith("<"):  # written in the page: the page's line says where
            raise EmbedError(f"{err.message}{hint}", err.line, err.format()) from None
        raise EmbedError(f"{err.file}:{err.line}:{err.col}: {err.message}{hint}", None, err.format()) from None
    parts = ['<div class="archspec">']
    if opts.diagram:
        parts.append(f'<div class="archspec-diagram">{svg(net, opts)}</div>')
    if opts.table:
        from archspec.papertable import build
        from archspec.papertable import render as render_table

        parts.append(render_table(build(net, opts.table), "html"))
    parts.append("</div>")
    return "\n".join(p.strip("\n") for p in parts)


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def svg(net: Any, opts: Options) -> str:
    """The diagram as inline SVG: no XML prolog, scaled to the column's width, every id prefixed."""
    from archspec.backends import graphviz as gv

    if not gv.have_dot():
        raise EmbedError(f"drawing needs Graphviz `dot`; {gv.INSTALL_HINT}")
    data = gv.render_bytes(net.target, "svg", opts.level, opts.direction, opts.theme).decode("utf-8")
    data = _PROLOG.sub("", data, count=1)
    data = _SIZE.sub(r'<svg style="max-width:100%;height:auto" width="\1pt" height="\2pt"', data, count=1)
    if opts.prefix:
        p = opts.prefix
        data = re.sub(r'\bid="', f'id="{p}', data)
        data = re.sub(r'(href="#|url\(#)', rf"\g<1>{p}", data)
    return data
