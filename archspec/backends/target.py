"""What every backend reads: the layer graph, its analysis, and what names the model.

Backends take a ``Target``, never the whole ``Network``: the layer graph is the one description
of the network, the analysis its numbers, and the rest (name, title, spec text) only labels them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archspec.analysis import Analysed, Analysis
from archspec.graph import Graph

if TYPE_CHECKING:
    from archspec import ir


@dataclass(frozen=True)
class Target(Analysed):
    """A compiled design as backends see it."""

    graph: Graph
    analysis: Analysis
    spec: ir.Spec  # the spec IR (for `spec.json`; `title` and `file` come from it)
    variant: str | None = None
    source: str | None = None  # the spec text, where it was read from text
    report: Callable[[], dict[str, Any]] | None = None  # the full analysis document (`analysis.json`)

    @property
    def name(self) -> str:
        return self.graph.name

    @property
    def title(self) -> str:
        """The spec's description, or its name."""
        return self.spec.description or self.spec.name

    @property
    def file(self) -> str:
        return self.spec.file

    def to_torch(self, **kwargs: Any) -> Any:
        """The torch module (``archspec.backends.torch.module``: ``weights=``, ``fuse=``, ``device=``…)."""
        from archspec.backends.torch import module

        return module(self.graph, **kwargs)
