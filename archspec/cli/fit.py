"""Tables that fit the terminal without cutting a number.

rich shrinks every column of a table wider than the console, cutting numbers to ``1,219,5…``. Here a
right-aligned column (a number, a shape, a size) is never cut: text columns wrap (folding long words
rather than ending them in ``…``), changed values ``a → b`` break after the arrow, and when that is
not enough the columns the caller names go, in its order, until the table fits.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.table import Column, Table
from rich.text import Text

MIN_TEXT = 8  # the narrowest a wrapping text column is counted at
MAX_WORD = 16  # ... or its longest word, up to this: longer words (a layer's path) fold
ARROW = " → "


def _lines_width(console: Console, cell: RenderableType) -> int:
    """The widest line of a cell, as the console draws it."""
    if isinstance(cell, str):
        text = console.render_str(cell)
    elif isinstance(cell, Text):
        text = cell
    else:
        return Measurement.get(console, console.options, cell).maximum
    return max((line.cell_len for line in text.split("\n", allow_blank=True)), default=0)


def _is_number(col: Column) -> bool:
    return col.justify == "right" or col.no_wrap


def _need(console: Console, col: Column) -> int:
    """The width a column needs: all of its widest line when it holds numbers; when it wraps, its longest
    word (at least MIN_TEXT, at most MAX_WORD)."""
    cells = [col.header, *col._cells]
    widest = max(_lines_width(console, c) for c in cells)
    if _is_number(col):
        return widest
    words = max((Measurement.get(console, console.options, c).minimum for c in cells), default=0)
    return min(widest, max(MIN_TEXT, min(words, MAX_WORD)))


def table_width(console: Console, table: Table) -> int:
    """The narrowest this table can be drawn without cutting a number."""
    _, right, _, left = table.padding
    cols = table.columns
    pad = (left + right) * len(cols) - (0 if table.pad_edge else left + right)
    edges = (len(cols) - 1 if table.box else 0) + (2 if table.box and table.show_edge else 0)
    return sum(_need(console, c) for c in cols) + pad + edges


def _break_arrows(table: Table) -> bool:
    """Put ``b`` of each ``a → b`` number cell on a line of its own; False when there was none."""
    done = False
    for col in table.columns:
        if not _is_number(col):
            continue
        for i, cell in enumerate(col._cells):
            if isinstance(cell, str) and ARROW in cell and "\n" not in cell:
                col._cells[i] = cell.replace(ARROW, " →\n", 1)
                done = True
    return done


def fit(console: Console, table: Table, drop: Sequence[str] = ()) -> list[str]:
    """Make ``table`` fit ``console.width`` keeping every number whole; the headers of the columns dropped.

    Number columns (right-aligned or ``no_wrap``) keep their widest line; text columns fold. Then, while
    the table is too wide: ``a → b`` cells break after the arrow, and the columns named in ``drop`` go.
    """
    for col in table.columns:
        if _is_number(col):
            col.no_wrap = True
        else:
            col.overflow = "fold"
    width = console.width
    dropped: list[str] = []
    steps: list[str | None] = [None, *drop]  # None: break the arrows
    for step in steps:
        if table_width(console, table) <= width:
            break
        if step is None:
            _break_arrows(table)
            continue
        for col in list(table.columns):
            if col.header == step:
                table.columns.remove(col)
                dropped.append(step)
    for i, col in enumerate(table.columns):
        col._index = i
        if _is_number(col):
            col.min_width = _need(console, col)
    return dropped


def print_table(console: Console, table: Table, drop: Sequence[str] = (), *, note: bool = True) -> list[str]:
    """Fit and print ``table``; say which columns were left out (unless ``note`` is False)."""
    dropped = fit(console, table, drop)
    table.title_justify = table.caption_justify = "left"  # read as the first and last lines of the output
    console.print(table, soft_wrap=False)  # captions wrap to the table
    if dropped and note:
        names = ", ".join(f"`{d}`" for d in dropped)
        console.print(f"({names} left out to fit {console.width} columns: widen the terminal or use --json)",
                      markup=False, soft_wrap=False, style="dim")
    return dropped
