"""``shuffle``: channel shuffle (Zhang et al., 2018, "ShuffleNet"): view the channels as G groups,
transpose, flatten back, so the next grouped op mixes the groups. ShuffleNet v2 shuffles 2."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


class ShuffleAttrs(NamedTuple):
    groups: int


@register
class Shuffle(OpDef):
    name = "shuffle"
    kind = "reshape"
    Attrs = ShuffleAttrs
    module = False
    python_helpers = ("channel_shuffle",)
    example = "conv 8 k1\nshuffle 2"
    counts = dict.fromkeys(CONVENTION_NAMES, nothing)  # view, transpose, copy: no arithmetic

    def shape(self, a: ShuffleAttrs, ins: list[Shape]) -> Shape:
        return ins[0]

    def torch_call(self, a: ShuffleAttrs, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        from archspec.backends.layers import channel_shuffle

        return channel_shuffle, (args[0], a.groups)

    def python(self, a: ShuffleAttrs, args: list[str]) -> str:
        return f"channel_shuffle({args[0]}, {a.groups})"

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return f"shuffle {n.attrs.groups}", 1

    def label(self, a: ShuffleAttrs, ins: list[Shape] | None = None) -> str:
        return f"shuffle ×{a.groups}"
