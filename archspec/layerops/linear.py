"""``linear``: a fully connected layer (``nn.Linear``), written ``fc N`` in the language."""

from __future__ import annotations

from math import prod
from typing import Any, NamedTuple

from archspec.layerops.base import Op, OpDef, Shape, follows, get, register


class LinearAttrs(NamedTuple):
    in_f: int
    out_f: int
    bias: bool = True


def _bias(o: Op) -> int:
    return o.attrs.out_f if o.attrs.bias else 0


@register
class Linear(OpDef):
    name = "linear"
    kind = "linear"
    Attrs = LinearAttrs
    fresh = True
    example = "avgpool global\nfc 10 bias=false\nfc 4 act=relu"
    counts = {
        "macs": lambda o: [("linear", o.macs)],
        "flops": lambda o: [("linear", 2 * o.macs + (o.n_out if o.attrs.bias else 0))],
        "fvcore": lambda o: [("linear", o.macs)],
        # F.linear on features with a bias runs as addmm, otherwise (no bias, or a map) as mm: 2·M·N·K.
        "torch": lambda o: [("aten.addmm" if o.attrs.bias and len(o.out) == 1 else "aten.mm", 2 * o.macs)],
        "calflops": lambda o: [("F.linear", o.macs)],
        "calflops_flops": lambda o: [("F.linear", 2 * o.macs)],  # calflops leaves the bias out
        # torchinfo multiplies a linear layer's parameter counts by the batch only, not by positions.
        "torchinfo": lambda o: [("Linear.weight", o.attrs.in_f * o.attrs.out_f), ("Linear.bias", _bias(o))],
        "ptflops": lambda o: [("nn.Linear", o.macs + (o.n_out if o.attrs.bias else 0))],  # a bias per output
        "thop": lambda o: [("nn.Linear", o.attrs.in_f * o.n_out)],
    }

    def shape(self, a: LinearAttrs, ins: list[Shape]) -> Shape:
        return (*ins[0][:-1], a.out_f)  # features, or the same layer at every position of a channels-last map

    def params(self, a: LinearAttrs, ins: Any, out: Shape) -> int:
        return a.in_f * a.out_f + (a.out_f if a.bias else 0)

    def macs(self, a: LinearAttrs, ins: Any, out: Shape) -> int:
        return a.in_f * a.out_f * prod(out[:-1])

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        return list(node.inputs[:1]), {}

    def torch_module(self, a: LinearAttrs, device: Any = None, inplace: bool = False) -> Any:
        from torch import nn

        return nn.Linear(a.in_f, a.out_f, bias=a.bias, device=device)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        from archspec.layerops.act import Act

        a: LinearAttrs = n.attrs
        act = after[0] if after and isinstance(get(after[0].op), Act) and follows(after[0], n) else None
        words = [f"fc {a.out_f}"] + ([] if a.bias else ["bias=false"])
        words += [f"act={act.attrs.kind}"] if act is not None else []
        return " ".join(words), 1 + (act is not None)

    def label(self, a: LinearAttrs, ins: list[Shape] | None = None) -> str:
        return f"fc {a.out_f}"
