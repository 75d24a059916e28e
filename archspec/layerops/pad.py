"""``pad``: zeros added around the map, each side its own width (``nn.ZeroPad2d``): asymmetric padding,
and TensorFlow's "same" padding (``conv … p=same``) where the two sides of an axis differ."""

from __future__ import annotations

from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


class PadAttrs(NamedTuple):
    left: int
    right: int
    top: int
    bottom: int


def same_padding(size: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TensorFlow's SAME padding along one axis: (before, after), the extra one after (timm's pad_same)."""
    total = max((-(-size // s) - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


@register
class Pad(OpDef):
    name = "pad"
    kind = "reshape"
    Attrs = PadAttrs
    example = "pad 0 1 0 1\nconv 8 k3 s2 p=same"
    counts = dict.fromkeys(CONVENTION_NAMES, nothing)  # copies: no tool counts ZeroPad2d

    def shape(self, a: PadAttrs, ins: list[Shape]) -> Shape:
        c, h, w = ins[0]
        return (c, h + a.top + a.bottom, w + a.left + a.right)

    def torch_module(self, a: PadAttrs, device: Any = None, inplace: bool = False) -> Any:
        from torch import nn

        return nn.ZeroPad2d((a.left, a.right, a.top, a.bottom))

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        a: PadAttrs = n.attrs
        return f"pad {a.left} {a.right} {a.top} {a.bottom}", 1

    def label(self, a: PadAttrs, ins: list[Shape] | None = None) -> str:
        return f"zero-pad {a.left} {a.right} {a.top} {a.bottom}"
