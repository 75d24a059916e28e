"""``archspec explore``: serve the design explorer (Streamlit) from the installed package."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from archspec.cli.common import EXIT_BAD_INPUT, err, out
from archspec.cli.helpformat import Help
from archspec.explorer import START_ENV
from archspec.extras import require

HELP = """examples:
  archspec explore                          the explorer on http://localhost:8501 with ResNet-50
  archspec explore efficientnet_b3          open a zoo model
  archspec explore my.arch --port 8600      open a file, on another port
  archspec explore my.arch --address 0.0.0.0   serve a classroom on the local network

Needs the app extra: pip install 'archspec[app]'. Stop it with Ctrl+C.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explore", help="serve the design explorer in the browser", epilog=HELP,
                       formatter_class=Help)
    p.add_argument("spec", metavar="SPEC", nargs="?", help="a zoo name, a .arch file or path.arch:variant to open")
    p.add_argument("--port", type=int, default=8501, metavar="N", help="the port to serve on (default 8501)")
    p.add_argument("--address", default="localhost", metavar="HOST",
                   help="the address to listen on (default localhost; 0.0.0.0 for other machines)")
    p.add_argument("--browser", action="store_true", help="open a browser window on the page")
    p.set_defaults(run=run)


def check_spec(spec: str) -> str | None:
    """Why SPEC cannot be opened (None when it can): a zoo name, or a file that exists."""
    from archspec import zoo

    if zoo.find(spec) is not None:
        return None
    path = Path(spec)
    if not path.is_file() and ":" in spec:
        path = Path(spec.rpartition(":")[0])
    if path.is_file():
        return None
    return f"archspec: `{spec}` is neither a zoo model (see `archspec zoo`) nor a file"


def start_value(spec: str) -> str:
    """SPEC as the server reads it: a zoo name as it is, a file by its absolute path (variant kept)."""
    from archspec import zoo

    if zoo.find(spec) is not None:
        return spec
    if Path(spec).is_file():
        return str(Path(spec).resolve())
    head, _, variant = spec.rpartition(":")
    return f"{Path(head).resolve()}:{variant}"


def command(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line that serves the packaged explorer."""
    from archspec.explorer import SCRIPT

    return [sys.executable, "-m", "streamlit", "run", str(SCRIPT), "--server.port", str(args.port),
            "--server.address", args.address, "--server.headless", "false" if args.browser else "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            # Streamlit collects every generation of garbage after every script run, by default: with
            # large networks in the shared cache that full pass held the interpreter for every session
            # at once (py-spy: two thirds of the server's time under bench.load --hostile 2).
            "--runner.postScriptGC", "false"]


def run(args: argparse.Namespace) -> int:
    require("archspec explore", "streamlit", extra="app")
    if not 0 < args.port < 65536:
        err.print(f"archspec: --port {args.port} is not a port (1-65535)", markup=False)
        return EXIT_BAD_INPUT
    env = dict(os.environ)
    env.pop(START_ENV, None)
    if args.spec:
        why = check_spec(args.spec)
        if why:
            err.print(why, markup=False)
            return EXIT_BAD_INPUT
        env[START_ENV] = start_value(args.spec)
    out.print(f"archspec explorer on http://{args.address}:{args.port} (Ctrl+C stops it)", markup=False)
    cmd = command(args)
    if os.name == "posix":  # become the server: signals (Ctrl+C, a supervisor's SIGTERM) reach it directly
        sys.stdout.flush()
        os.execve(cmd[0], cmd, env)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
