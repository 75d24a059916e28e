"""``mul``: a gate, the input times the ``scale:`` body's output (``*`` in ``forward``; SE, Hu et al. 2018)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


@register
class Mul(OpDef):
    name = "mul"
    kind = "merge"
    module = False
    example = "scale:\n  avgpool global\n  conv 8 k1 act=sigmoid"
    counts = {
        **dict.fromkeys(CONVENTION_NAMES, nothing),
        "flops": lambda o: [("mul", o.n_out)],
    }

    def shape(self, a: Any, ins: list[Shape]) -> Shape:
        return ins[0]

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        # x * s keeps s for x's gradient and x for s's gradient.
        x, s = node.inputs[0], node.inputs[1]
        return [v for v, other in ((s, x), (x, s)) if grad[other]], {}

    def torch_call(self, a: Any, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return operator.mul, tuple(args)

    def python(self, a: Any, args: list[str]) -> str:
        return " * ".join(args)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "", 1  # written by its `scale:`

    def label(self, a: Any, ins: list[Shape] | None = None) -> str:
        return "⊗ scale"
