"""``archspec fmt``: print a spec canonically (comments kept), check it, or rewrite it in place."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from archspec.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, err, out
from archspec.cli.helpformat import Help
from archspec.errors import SpecError
from archspec.files import write_atomic
from archspec.fmt import fmt, same_spec
from archspec.network import read_ir, read_spec
from archspec.parse import parse

HELP = """examples:
  archspec fmt my.arch                  print the canonical text
  archspec fmt specs/*.arch --check     exit 1 if any file would change (and show the diff)
  archspec fmt my.arch --write          rewrite the file in place
  archspec fmt build/resnet50/spec.json a spec IR back to .arch text

Canonical: 2-space indentation, one spelling per construct, aligned stage tables, comments kept.
The formatted text parses to the same IR (checked before anything is written).
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fmt", help="format a spec canonically, comments kept", epilog=HELP,
                       formatter_class=Help)
    p.add_argument("specs", nargs="+", metavar="SPEC", help=".arch files (or a spec.json, or a zoo name to print)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not formatted")
    mode.add_argument("--write", action="store_true", help="rewrite the files in place")
    p.set_defaults(run=run)


def format_checked(text: str, file: str) -> str:
    """The formatted text, after checking that it says what the original says."""
    is_ir = text.lstrip().startswith("{")
    before = read_ir(text, file) if is_ir else parse(text, file)
    result = fmt(text, file)
    if not same_spec(before, parse(result, file)):
        raise RuntimeError(f"formatting {file} changed its meaning; nothing was written")
    return result


def run(args: argparse.Namespace) -> int:
    if len(args.specs) > 1 and not (args.check or args.write):
        err.print("archspec: give one SPEC to print, or use --check / --write for several", markup=False)
        return EXIT_BAD_INPUT
    changed = 0
    for ref in args.specs:
        src = read_spec(ref)
        try:
            result = format_checked(src.text, src.file)
        except SpecError as exc:
            raise exc.locate(src.file, src.text) from None
        if not (args.check or args.write):
            sys.stdout.write(result)
            return EXIT_OK
        if result == src.text:
            continue
        changed += 1
        if args.check:
            out.print(f"would reformat {src.file}", markup=False)
            diff = difflib.unified_diff(src.text.splitlines(), result.splitlines(), src.file, f"{src.file} (formatted)",
                                        lineterm="")
            out.print("\n".join(diff), markup=False, highlight=False)
            continue
        path = Path(src.file)
        if src.text.lstrip().startswith("{") or not path.is_file():
            err.print(f"archspec: {ref} is not an .arch file to rewrite; print it instead (no --write)", markup=False)
            return EXIT_BAD_INPUT
        write_atomic(path, result)
        out.print(f"reformatted {src.file}", markup=False)
    if args.check:
        total = len(args.specs)
        out.print(f"{changed} of {total} file{'s' if total != 1 else ''} would be reformatted" if changed else
                  f"{total} file{'s' if total != 1 else ''} already formatted", markup=False)
        return EXIT_FAILED if changed else EXIT_OK
    return EXIT_OK
