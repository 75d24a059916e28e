"""``dropout``: zero each element with probability ``p`` while training (``nn.Dropout``)."""

from __future__ import annotations

from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, num_text, register


class DropoutAttrs(NamedTuple):
    p: float


@register
class Dropout(OpDef):
    name = "dropout"
    kind = "reg"
    Attrs = DropoutAttrs
    passes_on = True
    varying = ("p",)
    example = "dropout 0.2"
    counts = dict.fromkeys(CONVENTION_NAMES, nothing)  # identity at inference

    def shape(self, a: DropoutAttrs, ins: list[Shape]) -> Shape:
        return ins[0]

    def aliases(self, a: DropoutAttrs) -> bool:
        return not a.p

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        n = 1
        for d in node.out:
            n *= d
        return [], ({"mask": n} if node.attrs.p else {})  # 1 byte per element on CUDA, the dtype on CPU

    def torch_module(self, a: DropoutAttrs, device: Any = None, inplace: bool = False) -> Any:
        from torch import nn

        return nn.Dropout(a.p)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return f"dropout {num_text(n.attrs.p)}", 1

    def label(self, a: DropoutAttrs, ins: list[Shape] | None = None) -> str:
        return f"dropout {a.p:g}"
