"""``zeropad``: the ResNet paper's option A shortcut (He et al., 2015): subsample by ``s``, append ``pad``
zero channels. Written ``residual shortcut=zeropad``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


class ZeroPadAttrs(NamedTuple):
    s: int
    pad: int


@register
class ZeroPad(OpDef):
    name = "zeropad"
    kind = "reshape"
    Attrs = ZeroPadAttrs
    module = False
    example = "residual shortcut=zeropad:\n  conv 16 k3 s2"
    counts = dict.fromkeys(CONVENTION_NAMES, nothing)  # slicing and padding: no arithmetic
    python_helpers = ("zeropad_shortcut",)

    def shape(self, a: ZeroPadAttrs, ins: list[Shape]) -> Shape:
        c, h, w = ins[0]
        return (c + a.pad, -(-h // a.s), -(-w // a.s))

    def aliases(self, a: ZeroPadAttrs) -> bool:
        return not a.pad

    def torch_call(self, a: ZeroPadAttrs, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        from archspec.backends.layers import zeropad_shortcut

        return zeropad_shortcut, (args[0], a.s, a.pad)

    def python(self, a: ZeroPadAttrs, args: list[str]) -> str:
        return f"zeropad_shortcut({args[0]}, {a.s}, {a.pad})"

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "", 1  # written by its `residual`

    def label(self, a: ZeroPadAttrs, ins: list[Shape] | None = None) -> str:
        return f"zero-pad +{a.pad}" + (f", s{a.s}" if a.s > 1 else "")
