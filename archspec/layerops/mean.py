"""``mean``: the global average over the map as a tensor method, ``x.mean([2, 3])`` (C×H×W → C), as
torchvision's MnasNet and ShuffleNet v2 pool; ``mean keep`` keeps the map's axes (C×1×1,
``keepdim=True``), as timm's selective-kernel attention pools. The same numbers as ``avgpool global`` + ``flatten``,
but no ``AdaptiveAvgPool2d`` module: fvcore, ptflops and thop, which count that module, count nothing here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


class MeanAttrs(NamedTuple):
    keep: bool = False  # keep the averaged axes (C×1×1)


@register
class Mean(OpDef):
    name = "mean"
    kind = "pool"
    Attrs = MeanAttrs
    module = False
    example = "conv 8 k3\nmean\nfc 4"
    counts = {
        **dict.fromkeys(CONVENTION_NAMES, nothing),  # aten::mean has no handle in any of the tools
        "flops": lambda o: [("mean", o.n_in)],  # one add per input element
    }

    def shape(self, a: MeanAttrs, ins: list[Shape]) -> Shape:
        return (ins[0][0], 1, 1) if a.keep else (ins[0][0],)

    def torch_call(self, a: MeanAttrs, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        import torch

        return torch.mean, (args[0], [2, 3], True) if a.keep else (args[0], [2, 3])

    def python(self, a: MeanAttrs, args: list[str]) -> str:
        return f"{args[0]}.mean([2, 3], keepdim=True)" if a.keep else f"{args[0]}.mean([2, 3])"

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return ("mean keep" if n.attrs.keep else "mean"), 1

    def label(self, a: MeanAttrs, ins: list[Shape] | None = None) -> str:
        return "mean H×W" + (" (kept)" if a.keep else "")
