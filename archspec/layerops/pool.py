"""``maxpool`` and ``avgpool``: windowed pooling, global pooling, and adaptive pooling to an N×N map.

``mode`` is ``window`` (``nn.MaxPool2d`` / ``nn.AvgPool2d`` with kernel, stride, padding, ceil mode),
``global`` (adaptive to 1×1) or ``adaptive`` (adaptive to ``size``×``size``, as VGG and AlexNet pool
before their classifiers).
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from archspec.layerops.base import Items, Op, OpDef, Shape, conv_out, nothing, register
from archspec.layerops.conv import Size, hw, size_text


class PoolAttrs(NamedTuple):
    k: Size  # window (for global and adaptive pools: the input size over the output size)
    s: Size
    p: Size = 0
    ceil: bool = False
    mode: str = "window"  # window | global | adaptive
    size: int = 1  # output size of a global or adaptive pool

    @property
    def adaptive(self) -> bool:
        """Run by torch as ``AdaptiveAvgPool2d`` / ``AdaptiveMaxPool2d``."""
        return self.mode != "window"


class _Pool(OpDef):
    kind = "pool"
    Attrs = PoolAttrs
    family: ClassVar[str]  # "Max" | "Avg"

    def shape(self, a: PoolAttrs, ins: list[Shape]) -> Shape:
        c, h, w = ins[0]
        if a.adaptive:
            return (c, a.size, a.size)
        (kh, kw), (sh, sw), (ph, pw) = hw(a.k), hw(a.s), hw(a.p)
        return (c, conv_out(h, kh, sh, ph, 1, a.ceil), conv_out(w, kw, sw, pw, 1, a.ceil))

    def module_class(self, a: PoolAttrs) -> str:
        return f"Adaptive{self.family}Pool2d" if a.adaptive else f"{self.family}Pool2d"

    def function(self, a: PoolAttrs) -> str:
        base = f"{self.family.lower()}_pool2d"
        return f"F.adaptive_{base}" if a.adaptive else f"F.{base}"

    def flops(self, o: Op) -> Items:
        a: PoolAttrs = o.attrs
        if a.adaptive:
            return [(self.name, max(o.n_in, o.n_out))]  # every input element enters a window (windows may overlap)
        kh, kw = hw(a.k)
        return [(self.name, o.n_out * kh * kw)]

    def both(self, o: Op) -> Items:
        """ptflops: the module hook and the patched function, each the input's elements."""
        return [(f"nn.{self.module_class(o.attrs)}", o.n_in), (self.function(o.attrs), o.n_in)]

    def torch_module(self, a: PoolAttrs, device: Any = None, inplace: bool = False) -> Any:
        from torch import nn

        cls = getattr(nn, self.module_class(a))
        return cls(a.size) if a.adaptive else cls(a.k, a.s, a.p, ceil_mode=a.ceil)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        a: PoolAttrs = n.attrs
        if a.mode == "global":
            return f"{self.name} global", 1
        if a.mode == "adaptive":
            return f"{self.name} size={a.size}", 1
        words = [self.name, f"k{size_text(a.k, 'x')}"] + ([f"s{size_text(a.s, 'x')}"] if a.s != a.k else [])
        words += ([f"p{size_text(a.p, 'x')}"] if a.p else []) + (["ceil"] if a.ceil else [])
        return " ".join(words), 1

    def label(self, a: PoolAttrs, ins: list[Shape] | None = None) -> str:
        if a.mode == "global":
            return f"{self.name} global"
        if a.mode == "adaptive":
            return f"adaptive {self.name} → {a.size}×{a.size}"
        kh, kw = hw(a.k)
        return f"{self.name} {kh}×{kw}" + (f", s{size_text(a.s)}" if a.s != 1 else "") + (", ceil" if a.ceil else "")


@register
class MaxPool(_Pool):
    name = "maxpool"
    family = "Max"
    example = "maxpool k3 s2 p1 ceil\nmaxpool k3x1 s2x1\nmaxpool size=2\nmaxpool global"

    def unsupported_for(self, facet: str, a: PoolAttrs) -> str | None:
        if facet == "onnx" and a.mode == "adaptive" and a.size > 1:
            return "torch.onnx has no ONNX form for adaptive max pooling to a map larger than 1×1"
        return super().unsupported_for(facet, a)

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        c, h, w = node.out
        return list(node.inputs[:1]), {"index": c * h * w}  # int64 indices, one per output

    def __init__(self) -> None:
        self.counts = {"macs": nothing, "flops": self.flops, "fvcore": nothing, "torch": nothing, "calflops": nothing,
                "calflops_flops": lambda o: [(self.function(o.attrs), o.n_in)], "torchinfo": nothing,
                "ptflops": self.both, "thop": nothing}


def _thop_adaptive(o: Op) -> int:
    (_, h, w), (_, oh, ow) = o.ins[0], o.out
    # thop divides the sizes as float64 tensors and truncates the product: mirror it exactly.
    kernel = (h / oh) * (w / ow)
    return int((kernel + 1) * o.n_out)


@register
class AvgPool(_Pool):
    name = "avgpool"
    family = "Avg"
    example = "avgpool k2 s1 p1\navgpool k1x3 s1 p0x1\navgpool size=2\navgpool global"

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        _, h, w = node.out
        if node.attrs.adaptive and h == w == 1:
            return [], {}  # adaptive_avg_pool2d to 1×1 runs as mean(), which keeps only sizes
        return list(node.inputs[:1]), {}

    def __init__(self) -> None:
        self.counts = {
            "macs": nothing,
            "flops": self.flops,
            "fvcore": lambda o: [("adaptive_avg_pool2d", o.n_in)] if o.attrs.adaptive else [],
            "torch": nothing,
            "calflops": nothing,
            "calflops_flops": lambda o: [(self.function(o.attrs), o.n_in)],
            "torchinfo": nothing,
            "ptflops": self.both,
            "thop": lambda o: ([("nn.AdaptiveAvgPool2d", _thop_adaptive(o))] if o.attrs.adaptive
                               else [("nn.AvgPool2d", o.n_out)]),
        }
