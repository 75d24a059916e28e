"""``archspec table``: the stage table as papers print it, in Markdown, LaTeX, HTML or CSV."""

from __future__ import annotations

import argparse
import sys

from archspec.cli.common import EXIT_OK, add_spec_args, load_network, out
from archspec.cli.helpformat import Help
from archspec.files import write_atomic
from archspec.papertable import FORMATS, LAYOUTS, build, render

HELP = """examples:
  archspec table resnet50                      ResNet's Table 1: [1×1, 64; 3×3, 64; 1×1, 256] ×3
  archspec table mobilenet_v2                  MobileNet v2's t, c, n, s table
  archspec table resnet50 --format latex -o table1.tex
  archspec table efficientnet_b0 --format csv --layout resnet

Layouts: resnet (stage, output size, each block as bracketed layers × repeats, the stem and head an
op a row) or tcns (input, operator, expansion t, channels c, repeats n, first stride s); auto picks
tcns when a stage's block has an expansion ratio (t or e). Every row has its params and MACs
(conv+linear multiply-accumulates, bias excluded); csv gives them as exact integers.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("table", help="the stage table as papers print it (md, latex, html, csv)", epilog=HELP,
                       formatter_class=Help)
    add_spec_args(p)
    p.add_argument("--format", "-f", choices=FORMATS, default="md", help="md (default), latex, html or csv")
    p.add_argument("--layout", choices=LAYOUTS, default="auto", help="resnet, tcns or auto (default)")
    p.add_argument("-o", "--out", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    text = render(build(load_network(args), args.layout), args.format)
    if args.out:
        write_atomic(args.out, text)
        out.print(f"wrote {args.out}", markup=False)
    else:
        sys.stdout.write(text)
    return EXIT_OK
