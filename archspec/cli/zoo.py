"""``archspec zoo``: the models the zoo builds, named as torchvision's builders."""

from __future__ import annotations

import argparse

from rich.table import Table

from archspec import zoo
from archspec.cli.common import EXIT_OK, human, out, print_json
from archspec.cli.fit import print_table
from archspec.cli.helpformat import Help
from archspec.network import load

HELP = """examples:
  archspec zoo
  archspec zoo --json
  archspec analyze efficientnet_b3     # any name listed here is a SPEC
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("zoo", help="list the model zoo", epilog=HELP, formatter_class=Help)
    p.add_argument("--json", action="store_true", help="print [{name, spec, variant}, ...]")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    entries = zoo.entries()
    if args.json:
        print_json([e.to_dict() for e in entries])
        return EXIT_OK
    t = Table(title="archspec zoo", header_style="bold", caption="MACs: conv+linear multiply-accumulates")
    t.add_column("name", no_wrap=True)  # a name to type: never cut
    for col in ("spec", "variant", "input", "params", "MACs"):
        t.add_column(col, justify="right" if col in ("params", "MACs") else "left", no_wrap=col == "input")
    for e in entries:
        net = load(e.spec, variant=e.variant)
        t.add_row(e.name, e.spec, e.variant or "", "×".join(map(str, net.input)), f"{net.params:,}", human(net.macs))
    print_table(out, t, drop=("spec",))
    return EXIT_OK
