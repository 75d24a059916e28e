"""Paper-style figures: one block, or one stage's blocks, drawn the way the papers draw them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archspec.backends.graphviz.theme import Theme

if TYPE_CHECKING:
    from archspec.backends.target import Target


def build(net: Target, theme: Theme, rankdir: str = "TB", level: str = "block", block: str | None = None) -> str:
    """A paper-style figure as DOT text."""
    raise NotImplementedError("paper-style figures")
