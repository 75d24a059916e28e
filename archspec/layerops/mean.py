"""``mean``: the global average over the map as a tensor method, ``x.mean([2, 3])`` (C×H×W → C), as
torchvision's MnasNet and ShuffleNet v2 pool. The same numbers as ``avgpool global`` + ``flatten``,
but no ``AdaptiveAvgPool2d`` module: fvcore, ptflops and thop, which count that module, count nothing here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


@register
class Mean(OpDef):
    name = "mean"
    kind = "pool"
    module = False
    example = "conv 8 k3\nmean\nfc 4"
    counts = {
        **dict.fromkeys(CONVENTION_NAMES, nothing),  # aten::mean has no handle in any of the tools
        "flops": lambda o: [("mean", o.n_in)],  # one add per input element
    }

    def shape(self, a: Any, ins: list[Shape]) -> Shape:
        return (ins[0][0],)

    def torch_call(self, a: Any, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        import torch

        return torch.mean, (args[0], [2, 3])

    def python(self, a: Any, args: list[str]) -> str:
        return f"{args[0]}.mean([2, 3])"

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "mean", 1

    def label(self, a: Any, ins: list[Shape] | None = None) -> str:
        return "mean H×W"
