"""What a paper-style table holds, independent of the format it is printed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Bracket:
    """Layers that repeat together, as papers stack them: ``[1×1, 64; 3×3, 64; 1×1, 256] ×3``."""

    items: tuple[Item, ...]
    repeats: int = 1

    def text(self) -> str:
        """The bracket on one line; repeats ×1 print no ``×``."""
        inner = "[" + "; ".join(text(i) for i in self.items) + "]"
        return inner + (f" ×{self.repeats}" if self.repeats != 1 else "")


Item = Union[str, Bracket]  # noqa: UP007 (a runtime alias: the dataclass above reads it)


def text(item: Item) -> str:
    """An item or cell as one line of plain text."""
    return item if isinstance(item, str) else item.text()


@dataclass(frozen=True)
class Row:
    """One row: its cells (a cell is text, or a sequence of items such as ``3×3 max pool`` then a bracket),
    and the row's own parameters and MACs."""

    cells: tuple[str | tuple[Item, ...], ...]
    params: int
    macs: int
    first: bool = True  # the first row of its stage (a rule may go above it)


@dataclass
class PaperTable:
    """A network's stage table in a paper's layout: ``resnet`` (stage, output size, layers) or ``tcns``
    (MobileNet v2's input, operator, t, c, n, s)."""

    title: str
    layout: str
    head: tuple[str, ...]  # the layout's columns; params and MACs follow
    rows: list[Row] = field(default_factory=list)
    params: int = 0
    macs: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.head, "params", "MACs")


def cell_text(cell: str | tuple[Item, ...]) -> str:
    """A cell on one line: items joined by ``; ``."""
    return cell if isinstance(cell, str) else "; ".join(text(i) for i in cell)
