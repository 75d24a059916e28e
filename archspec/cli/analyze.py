"""``archspec analyze``: shapes, parameters, MACs, FLOPs and memory per stage, block and layer."""

from __future__ import annotations

import argparse

from rich.table import Table

from archspec.cli.common import EXIT_OK, add_spec_args, human, load_network, out, print_json, shape, stage_table, totals_line

HELP = """examples:
  archspec analyze resnet50
  archspec analyze specs/resnet50.arch --per-layer
  archspec analyze efficientnet_b0 --set phi=1
  archspec analyze specs/efficientnet.arch --variant b3 --json
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="shapes, params, MACs, FLOPs and memory", epilog=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_spec_args(p)
    p.add_argument("--per-layer", action="store_true", help="also list every layer")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.set_defaults(run=run)


def layer_table(net) -> Table:  # type: ignore[no-untyped-def]
    t = Table(title=f"{net.name} — layers", header_style="bold",
              caption="MACs: conv+linear multiply-accumulates; memory: output, fp32, batch 1")
    columns = (("layer", "left"), ("op", "left"), ("output", "right"), ("params", "right"), ("MACs", "right"), ("memory", "right"))
    for col, just in columns:
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for layer in net.layers:
        memory = human(layer.activations * 4, "B")
        t.add_row(layer.path, layer.op, shape(layer.out), f"{layer.params:,}", f"{layer.macs:,}", memory)
    return t


def run(args: argparse.Namespace) -> int:
    net = load_network(args)
    if args.json:
        print_json(net.to_dict(per_layer=True))
        return EXIT_OK
    out.print(stage_table(net))
    if args.per_layer:
        out.print(layer_table(net))
    out.print(totals_line(net), markup=False)
    return EXIT_OK
