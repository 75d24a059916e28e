"""The ``archspec`` command line. Exit codes: 0 ok, 1 a failed check, 2 bad input, 3 a bug (see EXIT_CODES).

Each command lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from archspec.cli.helpformat import Help
from archspec.collector import paused

with paused():  # rich's import: many objects, no garbage
    from archspec.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, fail_internal, report_error
    from archspec.errors import SpecError
    from archspec.extras import hint_for

# Modules of archspec.cli, in the order `archspec --help` lists them. Only the command being run is
# imported: the others pull in rich's progress bars, Graphviz, difflib, ... (tens of ms at start).
COMMANDS = ["compile", "analyze", "check", "zoo", "render", "table", "page", "gallery", "diff", "expand", "fmt", "schema",
            "weights", "explore", "lsp"]

EXIT_CODES = """\
exit codes:
  0  ok
  1  a check failed: a budget (--max-params, --max-layers, --max-activations, --max-layer-output)
     refused the network, `fmt --check` found a file to reformat, compile's module disagreed with
     the analysis, or render found no Graphviz (it wrote the .dot instead)
  2  bad input: a bad spec (file:line:col), a bad option or name, a missing extra
  3  an internal error: a bug in archspec"""

EPILOG = f"""\
examples:
  archspec compile specs/resnet50.arch            build, run one forward pass, write build/resnet50/
  archspec analyze resnet50 --per-layer           every layer's shape, params and MACs
  archspec analyze specs/efficientnet.arch:b3     a variant of a family spec
  archspec analyze mobilenet_v1 --set alpha=0.5   scale widths (α), resolution (ρ) or compound (φ)
  archspec analyze resnet50 --conventions         fvcore, torch, thop, ptflops, ... side by side
  archspec check my.arch                          validate only (exit 2 with a located error)
  archspec zoo --json                             every model the zoo builds
  archspec render resnet50 -o r50.svg             a block-level diagram
  archspec table resnet50 --format latex          the stage table as papers print it
  archspec page notes.md                          a Markdown page with archspec blocks as HTML
  archspec compile resnet50 --emit py,onnx        a standalone .py and an ONNX model
  archspec diff resnet50 resnet50_paper           what changed, stage by stage
  archspec expand efficientnet_b3                 every block and repeat written out
  archspec fmt specs/*.arch --check               canonical formatting
  archspec explore resnet50                       the design explorer in the browser
  archspec lsp                                    the language server for editors (docs/editors.md)

SPEC is a path, path.arch:variant, or a zoo name (see `archspec zoo`).
{EXIT_CODES}
extras: compile and weights need 'archspec[torch]', --emit onnx 'archspec[onnx]', explore 'archspec[app]', page 'archspec[docs]',
  lsp 'archspec[lsp]'
"""


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; given a ``command`` of COMMANDS, the parser of that command alone."""
    p = argparse.ArgumentParser(
        prog="archspec",
        description="A compiler for convolutional network architectures written as text.",
        epilog=EPILOG,
        formatter_class=Help,
    )
    from archspec import __version__

    p.add_argument("--version", action="version", version=f"archspec {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in [command] if command in COMMANDS else COMMANDS:
        importlib.import_module(f"archspec.cli.{name}").add_parser(sub)
    for sp in sub.choices.values():  # every command's --help says what its exit code means
        sp.epilog = (sp.epilog or "").rstrip("\n") + "\n\n" + EXIT_CODES + "\n"
    return p


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        # The process's own command line, so the process ends with the command: leave the objects
        # alive now (the imports' ~10^5) out of the cycle collector's passes, and those alive at the
        # end out of its last pass at exit. A command of ~0.2 s otherwise spends ~10% collecting.
        gc.freeze()
        try:
            return main(sys.argv[1:])
        finally:
            gc.freeze()
    args_in = list(argv)
    # The top-level options take no value, so the first word that is not an option is the command.
    p = parser(next((a for a in args_in if not a.startswith("-")), None))
    try:
        args = p.parse_args(args_in)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code or 0)
    if not getattr(args, "run", None):
        p.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args))
    except SpecError as err:
        return report_error(err, as_json=getattr(args, "json", False) is True)
    except KeyboardInterrupt:
        print("archspec: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except ImportError as exc:  # an optional dependency: one line naming the extra, exit 2
        hint = hint_for(exc)
        if hint is None:
            return fail_internal(exc)
        print(hint, file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # never a traceback for the user
        return fail_internal(exc)


def entry() -> None:
    sys.exit(main())


__all__ = ["COMMANDS", "EXIT_CODES", "EXIT_FAILED", "main", "parser"]
