"""What every backend reads: the layer graph, its analysis, and what names the model.

Backends take a ``Target``, never the whole ``Network``: the layer graph is the one description
of the network, the analysis its numbers, and the rest (name, title, spec text) only labels them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archspec.analysis import Analysis, Layer, Totals
from archspec.graph import Graph

if TYPE_CHECKING:
    from archspec import ir


@dataclass(frozen=True)
class Target:
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

    @property
    def input(self) -> tuple[int, int, int]:
        return self.graph.input

    @property
    def output(self) -> tuple[int, ...]:
        return self.graph.output_shape

    @property
    def params(self) -> int:
        return self.analysis.total.params

    @property
    def macs(self) -> int:
        return self.analysis.total.macs

    @property
    def activations(self) -> int:
        return self.analysis.total.activations

    @property
    def layers(self) -> list[Layer]:
        return self.analysis.layers

    @property
    def stages(self) -> list[Totals]:
        return self.analysis.stages

    @property
    def blocks(self) -> list[Totals]:
        return self.analysis.blocks

    def to_torch(self, **kwargs: Any) -> Any:
        """The torch module (``archspec.backends.torch.module``: ``weights=``, ``fuse=``, ``device=``…)."""
        from archspec.backends.torch import module

        return module(self.graph, **kwargs)
