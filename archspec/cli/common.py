"""What the commands share: SPEC and knob arguments, loading, error reports, tables."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import textwrap
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from archspec.cli.fit import print_table
from archspec.errors import SpecError
from archspec.lower import Budget
from archspec.network import Network, load

# 0 ok; 1 the command ran and a check failed (a budget refused the network, `fmt --check` found a file
# to reformat, compile's module disagreed with the analysis) or what was asked could not be made
# (render without Graphviz); 2 bad input (a bad spec, option or name, a missing extra); 3 a bug.
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

out = Console(highlight=False, emoji=False, soft_wrap=True)
if not out.is_terminal and not os.environ.get("COLUMNS"):  # rich reads COLUMNS itself
    out = Console(highlight=False, emoji=False, soft_wrap=True, width=160)  # pipes and logs get the whole table
err = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)


def add_spec_args(p: argparse.ArgumentParser, *, knobs: bool = True) -> None:
    p.add_argument("spec", metavar="SPEC", help="a .arch file, path.arch:variant, or a zoo name")
    if knobs:
        p.add_argument("--variant", "-V", help="a named variant of a family spec (e.g. b3)")
        p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                       help="set a knob (alpha/α, rho/ρ, phi/φ, width, depth, resolution) or a spec variable; repeatable")
    b = Budget()
    for flag, default, what in (
        ("--max-params", b.max_params, "refuse networks with more than N parameters"),
        ("--max-layers", b.max_nodes, "refuse networks with more than N layers"),
        ("--max-activations", b.max_activations, "refuse networks whose layer outputs, all together, pass N values per sample"),
        ("--max-layer-output", b.max_layer_elements, "refuse a layer (or an input) of more than N values per sample"),
    ):
        shown = sci(default) + (f" = {default:,}" if sci(default) != f"{default:,}" else "")
        p.add_argument(flag, type=count, default=default, metavar="N", help=f"{what} (default {shown})")


def sci(n: int) -> str:
    """A budget as help writes it and ``count`` reads it back: 20000000000 → '2e10', 100000 → '1e5'."""
    digits = str(n).rstrip("0")
    zeros = len(str(n)) - len(digits)
    return f"{digits}e{zeros}" if zeros >= 3 else f"{n:,}"


def count(text: str) -> int:
    """argparse type of the budget flags: a whole number, written out (50000000000, 50_000_000_000) or
    as help prints the defaults (5e10)."""
    raw = text.strip().replace("_", "").replace(",", "")
    try:
        value = int(raw)
    except ValueError:
        try:
            number = float(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number such as 5e10 or 50000000000, got `{text}`") from None
        if not math.isfinite(number) or number != int(number):
            raise argparse.ArgumentTypeError(f"expected a whole number, got `{text}`") from None
        value = int(number)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got `{text}`")
    return value


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """``--set alpha=0.5`` → {"alpha": 0.5}; values are numbers or words."""
    values: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key or not raw.strip():
            raise SpecError(f"--set expects KEY=VALUE, got `{item}`", file="--set", hint="e.g. --set alpha=0.75")
        raw = raw.strip()
        value: Any
        try:
            value = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                raise SpecError(f"--set {key}: `{raw}` is not a number", file="--set") from None
        values[key] = value
    return values


def load_network(args: argparse.Namespace) -> Network:
    budget = Budget(max_nodes=args.max_layers, max_params=args.max_params, max_activations=args.max_activations,
                    max_layer_elements=args.max_layer_output)
    overrides = parse_overrides(getattr(args, "overrides", []))
    return load(args.spec, variant=getattr(args, "variant", None), overrides=overrides, budget=budget)


def report_error(e: SpecError, as_json: bool = False) -> int:
    """Print a located error to stderr (and, for ``--json``, as a JSON object on stdout); its exit code:
    2 for bad input, 1 for a budget that refused the network."""
    err.print(e.format(), markup=False)
    if as_json:
        print_json({"ok": False, **e.to_dict(), "report": e.format()})
    return e.exit_code


def fail_internal(exc: BaseException) -> int:
    err.print(f"archspec: internal error: {type(exc).__name__}: {exc}", markup=False)
    err.print("this is a bug in archspec, not in your spec; please report it with the spec that caused it", markup=False)
    return EXIT_INTERNAL


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def human(n: float, unit: str = "") -> str:
    """1234567 → '1.23 M'."""
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= div:
            return f"{n / div:.2f} {suffix}{unit}"
    return f"{n:g} {unit}".strip()


def shape(s: tuple[int, ...] | list[int]) -> str:
    return "×".join(str(d) for d in s)


def _config(info: dict[str, Any]) -> str:
    skip = {"block", "repeats"}
    return " ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in info.items() if k not in skip)


def stage_table(net: Network) -> Table:
    """Per-stage output shape, block config, params, MACs and activation memory."""
    title = f"{net.name}" + (f" [{net.variant}]" if net.variant else "") + f" — input {shape(net.input)}"
    t = Table(
        title=escape(title),
        caption="MACs: conv+linear multiply-accumulates (bias excluded); memory: layer outputs, fp32, batch 1",
        header_style="bold",
    )
    t.add_column("stage")
    t.add_column("block")
    t.add_column("×", justify="right")
    t.add_column("resolved config")
    t.add_column("output", justify="right")
    t.add_column("params", justify="right")
    t.add_column("MACs", justify="right")
    t.add_column("memory", justify="right")
    for s in net.stages:
        t.add_row(s.name, str(s.info.get("block", "")), str(s.info.get("repeats", "")), _config(s.info), shape(s.out),
                  f"{s.params:,}", human(s.macs), human(s.activations * 4, "B"))
    t.add_section()
    t.add_row(
        "total", "", "", "", shape(net.output), f"{net.params:,}", human(net.macs), human(net.activations * 4, "B"), style="bold"
    )
    return t


def print_stages(net: Network) -> None:
    """The stage table, fitted to the terminal; in a narrow one each stage's resolved config follows it."""
    if print_table(out, stage_table(net), drop=("resolved config",), note=False):
        say("resolved config:")
        for s in net.stages:
            head = " ".join(str(v) for v in (s.info.get("block"), f"×{s.info['repeats']}" if "repeats" in s.info else "") if v)
            say(f"  {s.name}" + (f" {head}" if head else "") + f": {_config(s.info)}")


def say(text: str, indent: str = "    ") -> None:
    """A line of plain text on stdout, wrapped at spaces (never inside a number) to the terminal's width;
    continuation lines get ``indent``."""
    lines = textwrap.wrap(text, out.width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
    out.print("\n".join(lines) or text, markup=False)


def totals_line(net: Network) -> str:
    return (f"{net.name}: {net.params:,} params · {net.macs:,} MACs · {net.flops:,} FLOPs (all ops, MAC = 2) · "
            f"fvcore {net.fvcore:,} · output {shape(net.output)}")
