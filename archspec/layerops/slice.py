"""``slice``: channels ``start`` to ``stop`` of the input, a view (``x[:, start:stop]``). Made by
``concat split=N:``, which hands each branch one of N equal chunks (ShuffleNet v2's channel split)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


class SliceAttrs(NamedTuple):
    start: int
    stop: int


@register
class Slice(OpDef):
    name = "slice"
    kind = "reshape"
    Attrs = SliceAttrs
    module = False
    example = "conv 8 k1\nconcat split=2:\n  branch: identity\n  branch: conv 4 k3"
    counts = dict.fromkeys(CONVENTION_NAMES, nothing)  # a view: no arithmetic, and no tool counts it

    def shape(self, a: SliceAttrs, ins: list[Shape]) -> Shape:
        return (a.stop - a.start, *ins[0][1:])

    def aliases(self, a: SliceAttrs) -> bool:
        return True

    def torch_call(self, a: SliceAttrs, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return operator.getitem, (args[0], (slice(None), slice(a.start, a.stop)))

    def python(self, a: SliceAttrs, args: list[str]) -> str:
        return f"{args[0]}[:, {a.start}:{a.stop}]"

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "", 1  # written by its `concat split=N:`

    def label(self, a: SliceAttrs, ins: list[Shape] | None = None) -> str:
        return f"channels {a.start}–{a.stop - 1}"
