"""``archspec check``: validate a spec (parse, resolve, lower) without building anything."""

from __future__ import annotations

import argparse

from archspec.cli.common import EXIT_OK, add_spec_args, load_network, print_json, say
from archspec.cli.helpformat import Help

HELP = """examples:
  archspec check specs/resnet50.arch
  archspec check my.arch --json

A bad spec prints file:line:col, the line with a caret and a hint, and exits with code 2; a network
over a budget (--max-params, ...) exits with code 1. With --json the error is also printed on stdout
as {"ok": false, "file", "line", "col", "message", "hint", "exit_code", ...}.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate a spec", epilog=HELP, formatter_class=Help)
    add_spec_args(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    net = load_network(args)
    if args.json:
        print_json({"ok": True, "name": net.name, "variant": net.variant, "layers": len(net.layers),
                    "params": net.params, "macs": net.macs})
    else:
        say(f"ok: {net.name} — {len(net.layers)} layers, {net.params:,} params, {net.macs:,} MACs")
    return EXIT_OK
