"""The pieces of docs/benchmarks.md: sections of Markdown, and the targets each one checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Target:
    """One promise and what this run measured for it."""

    what: str
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run (e.g. no GPU)
    why: str = ""


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def markdown(self) -> str:
        return "\n".join([f"## {self.title}", "", *self.lines, ""])


def table(header: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> list[str]:
    """A Markdown table; columns whose index is in ``right`` align right."""
    sep = ["---:" if i in right else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out + [""]


def targets_table(targets: Sequence[Target]) -> list[str]:
    mark = {True: "met", False: "**not met**", None: "not run"}
    rows = [(t.what, t.goal, t.measured, mark[t.met] + (f": {t.why}" if t.why else "")) for t in targets]
    return table(("target", "goal", "measured", "status"), rows)
