"""``archspec page``: a Markdown page with ```` ```archspec ```` blocks as one standalone HTML file."""

from __future__ import annotations

import argparse
import logging
from html import escape
from pathlib import Path

from archspec.cli.common import EXIT_BAD_INPUT, EXIT_OK, err, out
from archspec.cli.helpformat import Help
from archspec.extras import require
from archspec.files import write_atomic

HELP = """examples:
  archspec page notes.md                 writes notes.html beside it
  archspec page docs/tutorial.md -o /tmp/tutorial.html

Each ```archspec block (spec text, or one line naming a zoo model or a .arch file) becomes its
diagram, and with `table` its stage table: the Markdown extension of MkDocs sites
(archspec.markdown) without a site. A bad spec is reported at FILE:LINE and the exit code is 2.
Needs 'archspec[docs]'.
"""

STYLE = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.5}"
         "table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd}"
         "pre{background:#f6f6f6;padding:.6em;overflow:auto}")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("page", help="a Markdown page with archspec blocks as HTML", epilog=HELP,
                       formatter_class=Help)
    p.add_argument("page", metavar="FILE.md", help="the Markdown page")
    p.add_argument("-o", "--out", metavar="FILE", help="where to write (default FILE.html beside the page)")
    p.set_defaults(run=run)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run(args: argparse.Namespace) -> int:
    require("archspec page", "markdown", extra="docs")
    import markdown

    from archspec.markdown import PAGE, Page, logger

    path = Path(args.page)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"archspec: cannot read {path}: {exc}", markup=False)
        return EXIT_BAD_INPUT
    seen = _Collect()
    logger.addHandler(seen)
    token = PAGE.set(Page(str(path), path.parent.resolve(), 0))
    try:
        body = markdown.markdown(text, extensions=["archspec.markdown", "tables", "fenced_code"])
    finally:
        PAGE.reset(token)
        logger.removeHandler(seen)
    title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
    html = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")
    target = Path(args.out) if args.out else path.with_suffix(".html")
    write_atomic(target, html)
    for message in seen.messages:
        err.print(message, markup=False)
    out.print(f"wrote {target}", markup=False)
    return EXIT_BAD_INPUT if seen.messages else EXIT_OK
