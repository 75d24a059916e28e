"""``layerscale``: a learnable per-channel scale γ on a branch (Touvron et al., 2021, "Going deeper with
Image Transformers"; ConvNeXt's ``layer_scale``), written ``layer_scale INIT``. γ starts at INIT.

γ is a parameter of the enclosing block itself, not a layer of its own, as in torchvision's CNBlock:
its state_dict entry comes before the block's layers, so foreign weights import by position.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register

DEFAULT_INIT = 1e-6  # γ's starting value where `layer_scale` gives none (ConvNeXt's)


class LayerScaleAttrs(NamedTuple):
    c: int
    init: float


@register
class LayerScale(OpDef):
    name = "layerscale"
    kind = "merge"
    Attrs = LayerScaleAttrs
    module = False
    example = "conv 8 k3\nlayer_scale 0.000001"
    counts = {
        **dict.fromkeys(CONVENTION_NAMES, nothing),  # `γ * x` is a Tensor operator: no tool counts it
        "flops": lambda o: [("layerscale", o.n_out)],
    }

    def shape(self, a: LayerScaleAttrs, ins: list[Shape]) -> Shape:
        return ins[0]

    def params(self, a: LayerScaleAttrs, ins: Any, out: Shape) -> int:
        return a.c

    def parameter(self, a: LayerScaleAttrs) -> tuple[tuple[int, ...], float]:
        """The shape and starting value of the parameter this op holds (on its enclosing module)."""
        return (a.c, 1, 1), a.init

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        return list(node.inputs[:1]), {}  # γ's gradient reads the input (γ itself is a parameter)

    def torch_call(self, a: LayerScaleAttrs, args: list[Any],
                   inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return operator.mul, (args[1], args[0])  # args: the input, then the parameter: γ * x as torchvision

    def python(self, a: LayerScaleAttrs, args: list[str]) -> str:
        return f"{args[1]} * {args[0]}"

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        from archspec.layerops.base import num_text

        return f"layer_scale {num_text(float(n.attrs.init))}", 1

    def label(self, a: LayerScaleAttrs, ins: list[Shape] | None = None) -> str:
        return f"× γ (layer scale, {a.init:g})"
