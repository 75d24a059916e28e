"""The page's examples: its ```` ```arch ```` blocks, and the output of its ```` ```console ```` blocks,
each ``$ archspec …`` run for real on the examples above it.

An example is a whole spec; it is saved as ``NAME.arch`` after its ``network NAME`` line, so a
command names it by that file (``$ archspec analyze tiny.arch --set alpha=0.5``). A block of the page
that the command prints an error for is an example of that error. A ```` ```python ```` block whose
first line is ``# NAME.py …`` is saved as ``NAME.py``, and ``$ python NAME.py`` runs it (a process of
this interpreter, in the folder of the examples).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

FENCE = re.compile(r"^```(\w*)[^\n`]*\n(.*?)^```$", re.M | re.S)  # ```kind options…
_NETWORK = re.compile(r"^network\s+(\w+)", re.M)
_SCRIPT = re.compile(r"\A# (\w+\.py)\b")
PYTHON_TIMEOUT_S = 600
WIDTH = 160  # what the command line prints into a pipe


@dataclass(frozen=True)
class Example:
    """One ```` ```arch ```` block of the page: its text, the file it is saved as, where it starts."""

    text: str
    file: str | None  # NAME.arch, from its `network NAME` line; None for a file of blocks only
    line: int


def arch_examples(page: str) -> list[Example]:
    out = []
    for m in FENCE.finditer(page):
        if m.group(1) == "arch":
            name = _NETWORK.search(m.group(2))
            out.append(Example(m.group(2), f"{name.group(1)}.arch" if name else None, page.count("\n", 0, m.start()) + 1))
    return out


@contextlib.contextmanager
def _captured() -> Iterator[io.StringIO]:
    """The command line's consoles and streams into one buffer, as a pipe sees them (no colour, 160 wide)."""
    from archspec.cli import common

    buf = io.StringIO()
    saved = [(c, dict(c.__dict__)) for c in (common.out, common.err)]
    for c, _ in saved:
        fresh = Console(file=buf, width=WIDTH, highlight=False, emoji=False, soft_wrap=True, color_system=None,
                        force_terminal=False, stderr=c.stderr)
        c.__dict__.update(fresh.__dict__)
    try:
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            yield buf
    finally:
        for c, state in saved:
            c.__dict__.clear()
            c.__dict__.update(state)


def run(command: str, files: dict[str, str]) -> tuple[int, str]:
    """Run ``archspec ARGS`` (in this process) or ``python FILE.py`` in a folder holding ``files``; its
    exit code and what it printed."""
    from archspec.cli import main

    words = shlex.split(command)
    assert words[0] in ("archspec", "python"), f"a console example runs archspec or python, not `{words[0]}`"
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            Path(tmp, name).write_text(text, encoding="utf-8")
        if words[0] == "python":
            p = subprocess.run([sys.executable, *words[1:]], cwd=tmp, capture_output=True, text=True,
                               timeout=PYTHON_TIMEOUT_S, check=False)
            return p.returncode, _tidy(p.stdout + p.stderr)
        os.chdir(tmp)
        try:
            with _captured() as buf:
                code = main(words[1:])
        finally:
            os.chdir(here)
    return code, _tidy(buf.getvalue())


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n"))


def render_consoles(page: str) -> str:
    """Every ```` ```console ```` block whose lines start with ``$ archspec`` or ``$ python``, with its output run anew."""
    files: dict[str, str] = {}
    out, at = [], 0
    for m in FENCE.finditer(page):
        kind, body = m.group(1), m.group(2)
        if kind == "arch":
            name = _NETWORK.search(body)
            if name:
                files[f"{name.group(1)}.arch"] = body
            continue
        script = _SCRIPT.match(body) if kind == "python" else None
        if script:
            files[script.group(1)] = body
            continue
        if kind != "console" or not body.startswith(("$ archspec", "$ python")):
            continue
        commands = [line[2:] for line in body.split("\n") if line.startswith("$ ")]
        text = []
        for command in commands:
            text += [f"$ {command}", run(command, files)[1]]
        out += [page[at:m.start(2)], "\n".join(text) + "\n"]
        at = m.end(2)
    return "".join(out) + page[at:]


def failing(page: str) -> set[str]:
    """The examples that are mistakes: those a plain ``$ archspec check NAME.arch`` (no variant, no
    ``--set``) shows an error for."""
    bad = set()
    for m in FENCE.finditer(page):
        if m.group(1) != "console":
            continue
        for run_ in re.split(r"^(?=\$ )", m.group(2), flags=re.M):
            command, _, output = run_.partition("\n")
            words = command[2:].split()
            if words[:2] == ["archspec", "check"] and len(words) == 3 and words[2].endswith(".arch"):
                if re.match(rf"{re.escape(words[2])}:\d+:\d+: error:", output):
                    bad.add(words[2])
    return bad
