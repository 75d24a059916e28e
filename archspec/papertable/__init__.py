"""Paper-style architecture tables: ``build(net)`` gives the table, ``render(table, fmt)`` prints it as
Markdown, LaTeX, HTML or CSV (``archspec table SPEC --format md``). No torch."""

from archspec.papertable.build import LAYOUTS, build
from archspec.papertable.formats import FORMATS, render
from archspec.papertable.model import Bracket, PaperTable, Row

__all__ = ["FORMATS", "LAYOUTS", "Bracket", "PaperTable", "Row", "build", "render"]
