"""``softmax``: the attention of a ``select:`` across its N branches — the N·C channels of its
attention body as N rows of C, a softmax down each column, so that for every channel the branches'
weights sum to 1 (SKNet, Li et al. 2019; ResNeSt's radix softmax with one group)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register


class SoftmaxAttrs(NamedTuple):
    branches: int  # N: the softmax runs across N equal channel chunks


@register
class Softmax(OpDef):
    name = "softmax"
    kind = "act"
    Attrs = SoftmaxAttrs
    module = False
    fresh = True
    example = ("select:\n  branch: conv 8 k3\n  branch: conv 8 k3 d2\n  attention:\n    mean keep\n"
               "    conv 4 k1\n    conv 16 k1 norm=none act=none bias=false")
    counts = {
        # A tensor method: no tool patches it or has a handle for it.
        **dict.fromkeys(CONVENTION_NAMES, nothing),
        "flops": lambda o: [("softmax", 3 * o.n_out)],  # exp, sum, divide per element
    }

    def shape(self, a: SoftmaxAttrs, ins: list[Shape]) -> Shape:
        return ins[0]

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        return [node.id], {}  # softmax's backward reads its output

    def torch_call(self, a: SoftmaxAttrs, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        from archspec.backends.layers import branch_softmax

        return branch_softmax, (args[0], a.branches)

    def python(self, a: SoftmaxAttrs, args: list[str]) -> str:
        return f"{args[0]}.unflatten(1, ({a.branches}, -1)).softmax(1).flatten(1, 2)"

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "", 1  # written by its `select:`

    def label(self, a: SoftmaxAttrs, ins: list[Shape] | None = None) -> str:
        return f"softmax across {a.branches}"
