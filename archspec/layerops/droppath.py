"""``droppath``: stochastic depth on a residual body (Huang et al., 2016), written ``residual drop_path=P``.

Drops the whole body per sample with probability ``p`` while training; an identity at inference. What it
shares with ``dropout`` (shape, aliasing, no counts at inference) comes from there.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from archspec.layerops.base import Shape, register
from archspec.layerops.dropout import Dropout


class DropPathAttrs(NamedTuple):
    p: float


@register
class DropPath(Dropout):
    name = "droppath"
    Attrs = DropPathAttrs
    example = "residual drop_path=0.1:\n  conv 8 k3"

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
