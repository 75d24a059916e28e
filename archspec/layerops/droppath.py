"""``droppath``: stochastic depth on a residual body (Huang et al., 2016), written ``residual drop_path=P``.

Drops the whole body per sample with probability ``p`` while training; an identity at inference.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from archspec.layerops.base import OpDef, Shape, nothing, register


class DropPathAttrs(NamedTuple):
    p: float


@register
class DropPath(OpDef):
    name = "droppath"
    kind = "reg"
    Attrs = DropPathAttrs
    passes_on = True
    varying = ("p",)
    example = "residual drop_path=0.1:\n  conv 8 k3"
    counts = dict.fromkeys(("macs", "flops", "fvcore", "torch", "calflops", "calflops_flops", "torchinfo", "ptflops",
                            "thop"), nothing)  # identity at inference

    def shape(self, a: DropPathAttrs, ins: list[Shape]) -> Shape:
        return ins[0]

    def aliases(self, a: DropPathAttrs) -> bool:
        return not a.p

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        return [], ({"sample_mask": 1} if node.attrs.p else {})  # one mask value per sample

    def torch_module(self, a: DropPathAttrs, device: Any = None, inplace: bool = False) -> Any:
        from archspec.backends.layers import StochasticDepth

        return StochasticDepth(a.p)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "", 1  # `drop_path=` on its residual

    def label(self, a: DropPathAttrs, ins: list[Shape] | None = None) -> str:
        return f"drop path {a.p:g}"
