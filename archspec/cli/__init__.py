"""The ``archspec`` command line. Exit codes: 0 ok, 1 a failed check, 2 bad input.

Each command lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from archspec.cli import analyze, check, compile, diff, expand, fmt, gallery, render, schema, weights, zoo
from archspec.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, fail_internal, report_error
from archspec.errors import SpecError

COMMANDS = [compile, analyze, check, zoo, render, gallery, diff, expand, fmt, schema, weights]

EPILOG = """\
examples:
  archspec compile specs/resnet50.arch            build, run one forward pass, write build/resnet50/
  archspec analyze resnet50 --per-layer           every layer's shape, params and MACs
  archspec analyze specs/efficientnet.arch:b3     a variant of a family spec
  archspec analyze mobilenet_v1 --set alpha=0.5   scale widths (α), resolution (ρ) or compound (φ)
  archspec check my.arch                          validate only (exit 2 with a located error)
  archspec zoo --json                             every model the zoo builds

SPEC is a path, path.arch:variant, or a zoo name (see `archspec zoo`).
exit codes: 0 ok, 1 failed check, 2 bad input
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="archspec",
        description="A compiler for convolutional network architectures written as text.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from archspec import __version__

    p.add_argument("--version", action="version", version=f"archspec {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for cmd in COMMANDS:
        cmd.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code or 0)
    if not getattr(args, "run", None):
        p.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args))
    except SpecError as err:
        return report_error(err)
    except KeyboardInterrupt:
        print("archspec: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for the user
        return fail_internal(exc)


def entry() -> None:
    sys.exit(main())


__all__ = ["EXIT_FAILED", "main", "parser"]
