"""``add``: the elementwise sum of a residual's body and shortcut, or of a ``sum:``'s branches (``+`` in ``forward``)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


@register
class Add(OpDef):
    name = "add"
    kind = "merge"
    module = False
    joins = True
    fresh = True
    accumulates = True
    example = "residual:\n  conv 8 k3\nsum:\n  branch: conv 8 k3\n  branch: conv 8 k1\n  branch: identity"
    counts = {
        # `+` in forward is a Tensor operator, not the torch.add that calflops and ptflops patch;
        # fvcore skips aten::add, FlopCounterMode has no formula for it.
        **dict.fromkeys(CONVENTION_NAMES, nothing),
        "flops": lambda o: [("add", (len(o.ins) - 1) * o.n_out)],
    }

    def shape(self, a: Any, ins: list[Shape]) -> Shape:
        return ins[0]

    def torch_call(self, a: Any, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        # `out += identity`, as torchvision writes it, on an operand nothing else reads.
        if len(args) == 2:
            return (operator.iadd if inplace else operator.add), tuple(args)
        from archspec.backends.layers import add_all, add_all_

        return (add_all_ if inplace else add_all), (list(args),)

    def python(self, a: Any, args: list[str]) -> str:
        return " + ".join(args)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "", 1  # written by its `residual`

    def label(self, a: Any, ins: list[Shape] | None = None) -> str:
        return "⊕ add"

