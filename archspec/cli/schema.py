"""``archspec schema``: the JSON Schema of the spec IR (what spec.json files hold)."""

from __future__ import annotations

import argparse
import json

from archspec import ir
from archspec.cli.common import EXIT_OK, out, print_json
from archspec.cli.helpformat import Help
from archspec.files import write_atomic

HELP = """examples:
  archspec schema                     print the JSON Schema of the spec IR
  archspec schema -o spec.schema.json

spec.json (`archspec compile --emit json`) validates against it, and `archspec.load("spec.json")`
reads such a file back into the identical network.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of the spec IR", epilog=HELP,
                       formatter_class=Help)
    p.add_argument("-o", "--out", metavar="FILE", help="write the schema to FILE instead of stdout")
    p.set_defaults(run=run)


def schema() -> dict:
    """Pydantic's JSON Schema of ``ir.Spec``."""
    return ir.Spec.model_json_schema()


def run(args: argparse.Namespace) -> int:
    if args.out:
        write_atomic(args.out, json.dumps(schema(), indent=2) + "\n")
        out.print(f"wrote {args.out}", markup=False)
    else:
        print_json(schema())
    return EXIT_OK
