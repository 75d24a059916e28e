"""``archspec analyze``: shapes, parameters, MACs, FLOPs and memory per stage, block and layer."""

from __future__ import annotations

import argparse

from rich.table import Table

from archspec.cli import conventions as conv
from archspec.cli.common import (
    EXIT_OK,
    add_spec_args,
    human,
    load_network,
    out,
    print_json,
    print_stages,
    say,
    shape,
    totals_line,
)
from archspec.cli.fit import print_table
from archspec.cli.helpformat import Help
from archspec.conventions import CONVENTIONS

HELP = """examples:
  archspec analyze resnet50
  archspec analyze specs/resnet50.arch --per-layer
  archspec analyze efficientnet_b0 --set phi=1
  archspec analyze specs/efficientnet.arch --variant b3 --json
  archspec analyze resnet50 --conventions          # fvcore, torch, ptflops, thop, … side by side
  archspec analyze resnet50 --convention ptflops   # ptflops' number, split by operator
  archspec analyze resnet50 --memory --batch 64    # training memory with SGD / Adam
  archspec analyze resnet50 --features stage2,stage3,stage4   # the maps to_torch(features=...) returns
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="shapes, params, MACs, FLOPs and memory", epilog=HELP,
                       formatter_class=Help)
    add_spec_args(p)
    p.add_argument("--per-layer", action="store_true", help="also list every layer")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.add_argument("--convention", type=lambda s: s.lower().replace("-", "_"), choices=list(CONVENTIONS), metavar="NAME",
                   help=f"count as one tool does: {', '.join(CONVENTIONS)} (see docs/conventions.md)")
    p.add_argument("--conventions", action="store_true", help="every counting convention side by side")
    p.add_argument("--memory", action="store_true", help="parameter, activation, torchinfo and training memory")
    p.add_argument("--batch", type=conv.positive_int, default=1, metavar="N", help="batch size for --memory (default 1)")
    p.add_argument("--features", metavar="PATHS",
                   help="feature taps, as to_torch(features=...) gives them: stage names or paths, comma-separated "
                        "(stage2,stage3,stage4): each one's shape, channels and reduction")
    p.set_defaults(run=run)


def layer_table(net) -> Table:  # type: ignore[no-untyped-def]
    t = Table(title=f"{net.name} — layers", header_style="bold",
              caption="MACs: conv+linear multiply-accumulates; memory: output, fp32, batch 1")
    columns = (("layer", "left"), ("op", "left"), ("output", "right"), ("params", "right"), ("MACs", "right"),
               ("memory", "right"))
    for col, just in columns:
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for layer in net.layers:
        memory = human(layer.activations * 4, "B")
        t.add_row(layer.path, layer.op, shape(layer.out), f"{layer.params:,}", f"{layer.macs:,}", memory)
    return t


def feature_table(net, taps: list[dict]) -> Table:  # type: ignore[no-untyped-def, type-arg]
    t = Table(title=f"{net.name} — feature taps", header_style="bold", caption="reduction: input size / map size")
    for col, just in (("tap", "left"), ("output", "right"), ("channels", "right"), ("reduction", "right")):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for f in taps:
        reduction = "—" if f["reduction"] is None else str(f["reduction"])
        t.add_row(f["module"], shape(tuple(f["shape"])), f"{f['num_chs']:,}", reduction)
    return t


def run(args: argparse.Namespace) -> int:
    net = load_network(args)
    taps = list(net.features(args.features)) if args.features else None  # a bad name stops here, before any table
    if args.json:
        d = net.to_dict(per_layer=True)
        if taps is not None:
            d["features"] = taps
        print_json(d)
        return EXIT_OK
    print_stages(net)
    if args.per_layer:
        print_table(out, conv.layer_table(net, args.convention) if args.convention else layer_table(net), drop=("memory",))
    if args.conventions:
        print_table(out, conv.conventions_table(net), drop=("unit", "pool", "bias", "act", "norm"))
    if args.convention:
        print_table(out, conv.convention_table(net, args.convention))
    if args.memory:
        print_table(out, conv.memory_table(net, args.batch))
    if taps is not None:
        print_table(out, feature_table(net, taps))
    say(totals_line(net))
    if args.convention:
        say(conv.difference_line(net, args.convention))
    return EXIT_OK
