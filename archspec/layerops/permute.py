"""``permute``: C×H×W ↔ H×W×C, written ``channels_last`` / ``channels_first`` (ConvNeXt's blocks run their
LayerNorm and MLP on channels-last tensors, as torchvision's ``Permute([0, 2, 3, 1])``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, OpDef, Shape, nothing, register

TO_LAST, TO_FIRST = (1, 2, 0), (2, 0, 1)  # axes without the batch


class PermuteAttrs(NamedTuple):
    dims: tuple[int, int, int]  # the input axis each output axis takes (batch excluded)

    @property
    def channels_last(self) -> bool:
        """Whether this permute turns C×H×W into H×W×C."""
        return tuple(self.dims) == TO_LAST


@register
class Permute(OpDef):
    name = "permute"
    kind = "reshape"
    Attrs = PermuteAttrs
    module = False
    example = "conv 8 k3\nchannels_last\nchannels_first"
    counts = dict.fromkeys(CONVENTION_NAMES, nothing)  # a view: no arithmetic, and no tool counts it

    def shape(self, a: PermuteAttrs, ins: list[Shape]) -> Shape:
        return tuple(ins[0][i] for i in a.dims)

    def aliases(self, a: PermuteAttrs) -> bool:
        return True

    def torch_call(self, a: PermuteAttrs, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        import torch

        return torch.permute, (args[0], (0, *(d + 1 for d in a.dims)))

    def python(self, a: PermuteAttrs, args: list[str]) -> str:
        return f"{args[0]}.permute(0, {', '.join(str(d + 1) for d in a.dims)})"

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return ("channels_last" if n.attrs.channels_last else "channels_first"), 1

    def label(self, a: PermuteAttrs, ins: list[Shape] | None = None) -> str:
        return "to channels-last" if a.channels_last else "to channels-first"
