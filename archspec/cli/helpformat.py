"""Help text that fits the terminal: the examples and notes under each command's options, wrapped.

argparse wraps the options to the terminal but prints a raw epilog as written, so a line of examples
written for a wide window ran past an 80-column terminal. Here, only where a line is too long: a block
of examples puts each description on its own line under its command (all of the block, so it reads
evenly), and a paragraph or a list item (``1  text``, with its continuation lines) is re-wrapped with
its indentation kept. A command is never broken; lines that fit are left as written.
"""

from __future__ import annotations

import argparse
import re
import textwrap

# A line of an examples block: a command (single spaces inside), then two spaces or " # ", then what it does.
_COMMAND = re.compile(r"(?:archspec|python3?|\.venv/bin/\S+|streamlit|pip|bash|dot|[A-Z_]+=\S+)(?:\s|$)")
_SPLIT = re.compile(r"^(?P<cmd>\S.*?\S)(?:\s{2,}|\s+(?=#\s))(?P<what>\S.*)$")
_ITEM = re.compile(r"^(\d+\s+|[-*•]\s+)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_example(line: str) -> bool:
    return bool(_COMMAND.match(line.strip())) and _indent(line) > 0


def _wrap(text: str, width: int, first: int, rest: int) -> list[str]:
    return textwrap.wrap(text, max(width, rest + 20), initial_indent=" " * first, subsequent_indent=" " * rest,
                         break_long_words=False, break_on_hyphens=False)


def _continues(line: str, lead: int, hang: int, item: bool) -> bool:
    """Whether ``line`` goes on with the paragraph (or list item) above it."""
    if not line.strip() or _is_example(line) or _ITEM.match(line.strip()):
        return False
    at = _indent(line)
    return at == hang if item else at >= lead


def fit(text: str, width: int) -> list[str]:
    """``text``'s lines fitted to ``width`` columns (see the module's docstring)."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_example(line):  # the whole block of examples
            j = i
            while j < len(lines) and _is_example(lines[j]):
                j += 1
            block = lines[i:j]
            if all(len(b) <= width for b in block):
                out += block
            else:
                for b in block:
                    m = _SPLIT.match(b.strip())
                    lead = _indent(b)
                    if m is None:
                        out.append(b)
                        continue
                    out.append(" " * lead + m["cmd"])
                    out += _wrap(m["what"], width, lead + 4, lead + 4)
            i = j
            continue
        if not line.strip():
            out.append(line)
            i += 1
            continue
        # A paragraph or a list item, with the lines that continue it (indented deeper, not an item or example).
        lead = _indent(line)
        item = _ITEM.match(line.strip())
        hang = lead + (len(item.group(1)) if item else 0)
        j = i + 1
        while j < len(lines) and _continues(lines[j], lead, hang, item is not None):
            j += 1
        para = lines[i:j]
        if all(len(p) <= width for p in para):
            out += para
        else:
            rest = _indent(para[1]) if len(para) > 1 and _indent(para[1]) > lead else hang
            out += _wrap(" ".join(p.strip() for p in para), width, lead, rest)
        i = j
    return out


class Help(argparse.RawDescriptionHelpFormatter):
    """argparse's help with the description and epilog fitted to the terminal's width."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        fitted = "\n".join(indent + ln if ln else ln for ln in fit(text, width - len(indent)))
        return fitted + "\n" if text.endswith("\n") else fitted
