"""``archspec render``: the network as a diagram (svg, png, pdf or dot), at stage, block or layer level."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archspec.backends import graphviz as gv
from archspec.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, add_spec_args, err, load_network, out
from archspec.cli.helpformat import Help
from archspec.files import write_atomic

HELP = """examples:
  archspec render resnet152 -o resnet152.svg                 blocks, repeats folded (×35)
  archspec render mobilenet_v2 -o m.png --layout compact     stages wrapped to fit a page, numbered continuations
  archspec render specs/googlenet.arch -o g.pdf --level layer  every op, clustered by stage and block
  archspec render resnet152 -o r.svg --level layer --unfold  every block, not one of each identical run
  archspec render efficientnet_b0 -o b0.png --level stage    one node per stage, as a paper's table
  archspec render resnet50 -o r50.png --dpi 300              a png for print (default 192 dpi)
  archspec render resnet50 -o - | dot -Tsvg > r.svg          DOT on stdout
  archspec render resnet50 --style paper -o b.png            a block as the papers draw it (stage1.1)
  archspec render resnet50 --style paper --block stage2      stage2's blocks, identical ones folded (×3)
  archspec render resnet50 --style paper --block stem,head   two figures side by side

The format follows the extension of -o (.svg .png .pdf .dot). svg, png and pdf need Graphviz's
`dot` (apt-get install graphviz); without it the DOT file is written beside and the exit code is 1.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="draw the network: svg, png, pdf or dot", epilog=HELP,
                       formatter_class=Help)
    add_spec_args(p)
    p.add_argument("-o", "--out", metavar="FILE",
                   help="output file, .svg .png .pdf or .dot (default NAME.svg; - for DOT on stdout)")
    p.add_argument("--level", choices=gv.LEVELS, default="block", help="stage, block (default) or layer")
    p.add_argument("--rankdir", choices=gv.RANKDIRS, default="TB",
                   help="data flows top to bottom (TB, default) or left to right (LR)")
    p.add_argument("--layout", choices=gv.LAYOUTS, default="column",
                   help="block level: one column top to bottom (default), or compact: stages wrapped into columns "
                        "joined by numbered continuations")
    p.add_argument("--unfold", action="store_true",
                   help="layer level: draw every block (by default one of each run of identical blocks)")
    p.add_argument("--style", choices=gv.STYLES, default="diagram",
                   help="diagram (default), or paper: one block or stage drawn as the papers draw it")
    p.add_argument("--block", metavar="PATH", default=None,
                   help="with --style paper: the block (stage2.1) or stage (stage2) to draw; several "
                        "(comma-separated) side by side")
    p.add_argument("--theme", choices=tuple(gv.THEMES), default="light", help="colours (default light)")
    p.add_argument("--dpi", type=int, default=None, metavar="N",
                   help=f"png resolution (default {gv.DEFAULT_DPI}: sharp on a retina screen; 300 for print)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    target = args.out
    fmt = "dot" if target == "-" else Path(target).suffix.lower().lstrip(".") if target else "svg"
    if fmt not in gv.FORMATS:
        err.print(f"archspec: cannot tell the format of `{target}`; end it in .svg, .png, .pdf or .dot", markup=False)
        return EXIT_BAD_INPUT
    if args.dpi is not None and (fmt != "png" or not 24 <= args.dpi <= 1200):
        why = "is for png output" if fmt != "png" else "must be between 24 and 1200"
        err.print(f"archspec: --dpi {why}", markup=False)
        return EXIT_BAD_INPUT
    if args.block is not None and args.style != "paper":
        err.print("archspec: --block picks what a paper-style figure draws; add --style paper", markup=False)
        return EXIT_BAD_INPUT
    net = load_network(args)
    try:
        source = gv.to_dot(net, args.level, args.rankdir, args.theme, layout=args.layout, fold=not args.unfold,
                           style=args.style, block=args.block)
    except ValueError as exc:  # a --block the network lacks, a level a paper figure does not draw
        err.print(f"archspec: {exc}", markup=False)
        return EXIT_BAD_INPUT
    if target == "-":
        sys.stdout.write(source)
        return EXIT_OK
    what = "paper-style figure" if args.style == "paper" else f"{args.level} level"
    path = Path(target or f"{net.name}{'_' + net.variant if net.variant else ''}.svg")
    if fmt == "dot":
        write_atomic(path, source)
        out.print(f"wrote {path} ({what})", markup=False)
        return EXIT_OK
    if not gv.have_dot():
        fallback = path.with_suffix(".dot")
        write_atomic(fallback, source)
        err.print(f"archspec: Graphviz `dot` is not on PATH, so no {fmt}: wrote {fallback}; {gv.INSTALL_HINT}", markup=False)
        return EXIT_FAILED
    try:
        data = gv.run_dot(source, fmt, args.dpi)
    except gv.DotError as exc:
        err.print(f"archspec: {exc}", markup=False)
        return EXIT_FAILED
    write_atomic(path, data)
    out.print(f"wrote {path} ({what}, {len(data):,} bytes)", markup=False)
    return EXIT_OK
