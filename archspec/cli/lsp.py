"""``archspec lsp``: the language server for editors, over stdin and stdout."""

from __future__ import annotations

import argparse

from archspec.cli.common import EXIT_OK, count, parse_overrides
from archspec.cli.helpformat import Help
from archspec.extras import require

HELP = """examples:
  archspec lsp                              serve an editor over stdin/stdout (VS Code, Neovim, Helix)
  archspec lsp --variant b7                 analyse family specs at their `b7` variant
  archspec lsp --set alpha=0.5              as --set on the other commands

An editor starts it; see docs/editors.md. Diagnostics, inlay shapes and costs, hover, completion,
go to definition, outline and formatting. The client's initializationOptions may say the same:
{"variant": "b7", "set": {"alpha": 0.5}, "budget": {"max_layers": 100000}}.
Needs the lsp extra: pip install 'archspec[lsp]'.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lsp", help="the language server for editors (stdio)", epilog=HELP,
                       formatter_class=Help)
    p.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default and only transport)")
    p.add_argument("--variant", "-V", help="the variant family specs are analysed at (default: each one's first)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="set a knob or a spec variable in every document; repeatable")
    p.add_argument("--max-layers", type=count, metavar="N", help="the layer budget (as the other commands)")
    p.add_argument("--max-params", type=count, metavar="N", help="the parameter budget")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require("archspec lsp", "pygls", "lsprotocol", extra="lsp")
    from archspec.lsp.options import read_options
    from archspec.lsp.server import main, server

    budget = {k: v for k, v in (("max_layers", args.max_layers), ("max_params", args.max_params)) if v}
    server.options = read_options({"variant": args.variant, "set": parse_overrides(args.overrides), "budget": budget})
    main()
    return EXIT_OK
