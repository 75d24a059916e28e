"""``concat``: feature maps joined along channels (``torch.cat(..., 1)``): branches, dense connectivity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


@register
class Concat(OpDef):
    name = "concat"
    kind = "merge"
    module = False
    joins = True
    example = "concat:\n  branch: conv 4 k1\n  branch: conv 4 k3\ndense 2:\n  conv 2 k3"
    counts = dict.fromkeys(CONVENTION_NAMES, nothing)  # a copy, no arithmetic; no tool counts torch.cat

    def shape(self, a: Any, ins: list[Shape]) -> Shape:
        return (sum(s[0] for s in ins), *ins[0][1:])

    def torch_call(self, a: Any, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        import torch

        return torch.cat, (list(args), 1)

    def python(self, a: Any, args: list[str]) -> str:
        return f"torch.cat([{', '.join(args)}], 1)"

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "", 1  # written by its `concat:` or `dense`

    def label(self, a: Any, ins: list[Shape] | None = None) -> str:
        return "concat " + "+".join(str(s[0]) for s in ins) if ins else "concat"
