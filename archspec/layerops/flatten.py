"""``flatten``: C×H×W → C·H·W features (``nn.Flatten(1)``), a view of its input."""

from __future__ import annotations

from math import prod
from typing import Any

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


@register
class Flatten(OpDef):
    name = "flatten"
    kind = "reshape"
    example = "flatten"
    counts = dict.fromkeys(CONVENTION_NAMES, nothing)

    def shape(self, a: Any, ins: list[Shape]) -> Shape:
        return (prod(ins[0]),)

    def aliases(self, a: Any) -> bool:
        return True

    def torch_module(self, a: Any, device: Any = None, inplace: bool = False) -> Any:
        from torch import nn

        return nn.Flatten(1)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "flatten", 1

    def label(self, a: Any, ins: list[Shape] | None = None) -> str:
        return "flatten"
