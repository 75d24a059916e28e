"""``archspec gallery``: regenerate the docs gallery (every zoo model's diagram and stage table)."""

from __future__ import annotations

import argparse

from archspec.cli.common import EXIT_FAILED, EXIT_OK, err, out
from archspec.cli.helpformat import Help

HELP = """examples:
  archspec gallery                 rewrite docs/gallery/
  archspec gallery /tmp/gallery    somewhere else

Writes NAME.svg (block level) and NAME.md (the stage table) for every model `archspec zoo` lists,
and index.md. Needs Graphviz's `dot`.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    from archspec.backends.graphviz.gallery import DEFAULT_DIR

    p = sub.add_parser("gallery", help="regenerate the docs gallery of zoo diagrams", epilog=HELP,
                       formatter_class=Help)
    p.add_argument("dir", nargs="?", default=DEFAULT_DIR, metavar="DIR", help=f"where to write (default {DEFAULT_DIR})")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from archspec.backends import graphviz as gv
    from archspec.backends.graphviz import gallery

    if not gv.have_dot():
        err.print(f"archspec: the gallery needs Graphviz `dot`; {gv.INSTALL_HINT}", markup=False)
        return EXIT_FAILED
    paths = gallery.write(args.dir)
    out.print(f"wrote {len(paths)} files to {args.dir}", markup=False)
    return EXIT_OK
