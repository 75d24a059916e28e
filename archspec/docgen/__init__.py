"""docs/language.md, the language reference, kept true by generating what can drift.

Between ``<!-- generated: NAME -->`` and ``<!-- end generated -->`` the page holds a table built from
the definitions (``docgen.tables``); every ```` ```console ```` block that runs ``$ archspec …`` holds
that command's real output on the page's examples (``docgen.examples``). The prose is the author's.

    python -m archspec.docgen --write     regenerate docs/language.md in place
    python -m archspec.docgen --check     exit 1 (and show the diff) if the page is out of date
    python -m archspec.docgen docs/tutorial.md --write    the same for another page (its console outputs)
"""

from __future__ import annotations

import argparse
import difflib
import re
from pathlib import Path

from archspec.docgen.examples import render_consoles
from archspec.docgen.tables import SECTIONS

PAGE = Path(__file__).resolve().parent.parent.parent / "docs" / "language.md"
MARKER = re.compile(r"(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def render(page: str) -> str:
    """The page with its generated tables and console outputs made anew."""

    def table(m: re.Match[str]) -> str:
        name = m.group(2)
        if name not in SECTIONS:
            raise ValueError(f"no generated section `{name}` (known: {', '.join(SECTIONS)})")
        return m.group(1) + "\n" + "\n".join(SECTIONS[name]()) + "\n" + m.group(4)

    return render_consoles(MARKER.sub(table, page))


def diff(page: str, path: str = "docs/language.md") -> str:
    """What regenerating would change, as a unified diff ("" when the page is up to date)."""
    new = render(page)
    return "\n".join(difflib.unified_diff(page.split("\n"), new.split("\n"), path, f"{path} (generated)", lineterm=""))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m archspec.docgen", description=__doc__.split("\n")[0])
    p.add_argument("page", nargs="?", default=str(PAGE), help="the page (default: docs/language.md)")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="exit 1 if the page is out of date")
    mode.add_argument("--write", action="store_true", help="regenerate the page in place")
    args = p.parse_args(argv)
    path = Path(args.page)
    text = path.read_text(encoding="utf-8")
    if args.write:
        new = render(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"regenerated {path}")
        return 0
    changes = diff(text, str(path))
    if changes:
        print(changes)
        print(f"{path} is out of date: run python -m archspec.docgen --write")
        return 1
    print(f"{path} is up to date")
    return 0


