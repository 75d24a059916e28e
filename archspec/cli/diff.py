"""``archspec diff A B``: what changed between two designs, per stage (depth, widths, strides, cost)."""

from __future__ import annotations

import argparse
from typing import Any

from rich.markup import escape
from rich.table import Table

from archspec.cli.common import EXIT_OK, human, out, parse_overrides, print_json, say, shape
from archspec.cli.fit import print_table
from archspec.cli.helpformat import Help
from archspec.diff import diff
from archspec.network import load

HELP = """examples:
  archspec diff resnet50 resnet50_paper                     torchvision's layout against the paper's
  archspec diff efficientnet_b0 efficientnet_b3
  archspec diff mobilenet_v1 mobilenet_v1 --set-b alpha=0.5   what a width multiplier changes
  archspec diff a.arch b.arch --json

Stages are matched by name. Exit code 0 either way; `--json` has "same": true when nothing differs.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diff", help="compare two designs stage by stage", epilog=HELP,
                       formatter_class=Help)
    p.add_argument("a", metavar="A", help="a .arch file, path.arch:variant, a zoo name, or a spec.json")
    p.add_argument("b", metavar="B", help="the design to compare it with")
    for side in ("", "-a", "-b"):
        p.add_argument(f"--set{side}", dest=f"set{side.replace('-', '_')}", action="append", default=[], metavar="KEY=VALUE",
                       help="set a knob or variable for " + ({"": "both", "-a": "A", "-b": "B"}[side]))
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(run=run)


def _cell(field: str, a: Any, b: Any) -> str:
    def fmt(v: Any) -> str:
        if v is None:
            return "—"
        if field in ("params", "macs"):
            return human(v)
        if field == "out":
            return shape(v)
        if field == "widths":
            return ",".join(map(str, v)) if len(v) <= 6 else f"{','.join(map(str, v[:5]))},…({len(v)})"
        return str(v)

    if a == b:
        return escape(fmt(a))
    text = escape(f"{fmt(a)} → {fmt(b)}")
    if field in ("params", "macs") and a and b:
        text += f" ({(b - a) / a:+.1%})"
    return f"[bold]{text}[/bold]"


def table(d: dict[str, Any]) -> Table:
    def title(side: dict[str, Any]) -> str:
        return escape(side["name"] + (f" [{side['variant']}]" if side["variant"] else ""))

    t = Table(title=f"{title(d['a'])} → {title(d['b'])}", header_style="bold",
              caption="changed: the settings of the stage's resolved config that differ, or its input where none does; "
                      "MACs: conv+linear multiply-accumulates; depth: blocks (or weight layers); stride: input ÷ output size")
    t.add_column("stage", no_wrap=True)
    t.add_column("changed")
    for col in ("block", "depth", "width", "widths", "stride", "output", "params", "MACs"):
        t.add_column(col, justify="right" if col in NUMBERS else "left")
    keys = ("block", "depth", "width", "widths", "stride", "out", "params", "macs")
    for s in d["stages"]:
        t.add_row(escape(s["stage"]), escape(_why(s)), *(_cell(k, *s["fields"][k]) for k in keys))
    t.add_section()
    tot = d["totals"]
    t.add_row("total", "", "", "", "", "", "", _cell("out", *tot["output"]), _cell("params", *tot["params"]),
              _cell("macs", *tot["macs"]), style="bold")
    return t


NUMBERS = ("depth", "width", "widths", "stride", "output", "params", "MACs")


def _why(stage: dict[str, Any]) -> str:
    """The "changed" cell: ``stride_on 3→1``, ``only in B``, …"""
    if stage["status"] in ("added", "removed"):
        return "only in " + ("B" if stage["status"] == "added" else "A")
    return ", ".join(stage["why"])


def run(args: argparse.Namespace) -> int:
    both = parse_overrides(args.set)
    a = load(args.a, overrides={**both, **parse_overrides(args.set_a)})
    b = load(args.b, overrides={**both, **parse_overrides(args.set_b)})
    d = diff(a, b)
    if args.json:
        print_json(d)
        return EXIT_OK
    print_table(out, table(d), drop=("widths", "block", "width", "output", "stride", "depth"))
    if d["totals"]["input"][0] != d["totals"]["input"][1]:
        say(f"input {shape(d['totals']['input'][0])} → {shape(d['totals']['input'][1])}")
    if d["same"]:
        say("the two designs are the same, stage for stage")
    return EXIT_OK
