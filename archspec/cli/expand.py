"""``archspec expand``: the fully expanded spec, every block and repeat written out, every number resolved."""

from __future__ import annotations

import argparse
import sys

from archspec.cli.common import EXIT_OK, add_spec_args, load_network, out
from archspec.cli.helpformat import Help
from archspec.files import write_atomic

HELP = """examples:
  archspec expand resnet50                      what every block of ResNet-50 is, layer by layer
  archspec expand efficientnet_b3               widths and repeats after B3's scaling
  archspec expand mobilenet_v2 --set alpha=0.5 -o mnv2_050.arch

The result is a spec with no blocks, lets, ifs, variants or knobs: it lowers to the same layers,
with the same sizes, in the same order.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("expand", help="print the fully expanded spec (blocks and repeats written out)", epilog=HELP,
                       formatter_class=Help)
    add_spec_args(p)
    p.add_argument("-o", "--out", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    text = load_network(args).expand()
    if args.out:
        write_atomic(args.out, text)
        out.print(f"wrote {args.out}", markup=False)
    else:
        sys.stdout.write(text)
    return EXIT_OK
