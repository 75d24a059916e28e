"""One version of a document, analysed: its spec IR, its first error, and its layer graph.

The same pipeline as ``archspec.loads`` (parse, resolve, lower, analyse) under the same budgets,
with two differences an editor needs: a lowering that stops at an error keeps the layers it had
already made (the lines above a typo keep their shapes), and a lowering can be cancelled when a
newer version of the text arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archspec import ir
from archspec.analysis import Analysis, analyze
from archspec.collector import paused
from archspec.errors import SpecError
from archspec.graph import Graph, Scope
from archspec.lower import Budget, Lowerer
from archspec.network import prelude
from archspec.parse import parse
from archspec.scaling import Config, resolve

CHECK_EVERY = 256  # statements lowered between two looks at the cancel flag


class Cancelled(Exception):
    """A newer version of the document arrived; this analysis is of no use any more."""


@dataclass
class Options:
    """What the editor chose: a variant of a family spec, knob overrides, budgets."""

    variant: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    budget: Budget = field(default_factory=Budget)


@dataclass
class Snapshot:
    """A document version and everything the features read from it.

    ``graph`` and ``analysis`` are there when lowering made any layer, even if it then failed
    (``complete`` is False); ``error`` is the first located problem, if any.
    """

    text: str
    file: str
    version: int | None = None
    spec: ir.Spec | None = None
    config: Config | None = None
    graph: Graph | None = None
    analysis: Analysis | None = None
    error: SpecError | None = None
    complete: bool = False
    blocks: dict[str, ir.BlockDef] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # what features derive from it, made once

    @property
    def ok(self) -> bool:
        return self.error is None and self.complete

    def user_block(self, name: str) -> ir.BlockDef | None:
        """The block the document itself defines under ``name``, if any."""
        if self.spec is None:
            return None
        return next((b for b in self.spec.blocks if b.name == name), None)


class _Lowerer(Lowerer):
    """The lowering, looking at a cancel flag every CHECK_EVERY statements."""

    def __init__(self, *args: Any, cancelled: Callable[[], bool]) -> None:
        super().__init__(*args)
        self.cancelled = cancelled

    def step(self, span: ir.Span | None) -> None:
        super().step(span)
        if self.steps % CHECK_EVERY == 0 and self.cancelled():
            raise Cancelled


def _never() -> bool:
    return False


@paused()  # as archspec.loads: many small objects, no cycles
def analyse(text: str, file: str, version: int | None = None, options: Options | None = None,
            cancelled: Callable[[], bool] = _never) -> Snapshot:
    """Parse, resolve, lower and analyse ``text``; a SpecError becomes ``Snapshot.error``.

    Raises ``Cancelled`` when ``cancelled()`` turns true on the way.
    """
    opts = options or Options()
    snap = Snapshot(text, file, version)
    if cancelled():
        raise Cancelled
    try:
        snap.spec = spec = parse(text, file)
        snap.blocks = {**prelude(), **{b.name: b for b in spec.blocks}}
        names = {v.name for v in spec.variants}
        snap.config = cfg = resolve(spec, opts.variant if opts.variant in names else None, opts.overrides)
    except SpecError as err:
        snap.error = err.locate(file, text)
        return snap
    except RecursionError:
        snap.error = SpecError("spec nested too deeply", file=file, source=text)
        return snap
    if not spec.parts and spec.name_span is None:
        return snap  # a library of blocks (as the prelude): nothing to lower
    lw = _Lowerer(spec, snap.blocks, cfg, opts.budget, cancelled=cancelled)
    try:
        graph = lw.run()
        snap.complete = True
    except SpecError as err:
        snap.error = err.locate(file, text)
        graph = _partial(lw)
    except RecursionError:
        snap.error = SpecError("the spec nests too deeply to expand", lw.where or spec.name_span, file=file, source=text)
        graph = _partial(lw)
    if graph is not None:
        snap.graph, snap.analysis = graph, analyze(graph)
    return snap


def _partial(lw: Lowerer) -> Graph | None:
    """The layers a failed lowering had made, as a graph (None when it made none)."""
    if not lw.nodes:
        return None
    scopes: list[Scope] = lw.scopes
    return Graph(lw.spec.name, lw.cfg.input, lw.nodes, scopes, lw.nodes[-1].id)
