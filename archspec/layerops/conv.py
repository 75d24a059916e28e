"""``conv``: a 2-D convolution (``nn.Conv2d``), optionally grouped, dilated and biased."""

from __future__ import annotations

from typing import Any, NamedTuple

from archspec.layerops.base import Op, OpDef, Shape, conv_out, follows, get, register

Size = int | tuple[int, int]  # one number for a square, or (height, width) as PyTorch takes it


def hw(v: Size) -> tuple[int, int]:
    """A size as (height, width)."""
    return (v, v) if isinstance(v, int) else v


def size(h: int, w: int) -> Size:
    """(height, width) as a size: one number when square."""
    return h if h == w else (h, w)


def size_text(v: Size, sep: str = "×") -> str:
    """``3`` or ``1×7``."""
    return str(v) if isinstance(v, int) else f"{v[0]}{sep}{v[1]}"


class ConvAttrs(NamedTuple):
    in_c: int
    out_c: int
    k: Size  # kernel size
    s: Size = 1  # stride
    p: Size = 0  # zero padding, on both sides of each axis
    d: Size = 1  # dilation
    g: int = 1  # groups
    bias: bool = False


def _bias_out(o: Op) -> int:
    return o.n_out if o.attrs.bias else 0


@register
class Conv(OpDef):
    name = "conv"
    kind = "conv"
    Attrs = ConvAttrs
    fresh = True
    example = "conv 8 k3 s2 p1 bias norm=none act=none\nconv 8 k1x7 p0x3\nconv 8 k3x1 s2x1 d1x1"
    counts = {
        "macs": lambda o: [("conv", o.macs)],
        "flops": lambda o: [("conv", 2 * o.macs + _bias_out(o))],
        "fvcore": lambda o: [("conv", o.macs)],
        "torch": lambda o: [("aten.convolution", 2 * o.macs)],
        "calflops": lambda o: [("F.conv2d", o.macs)],
        "calflops_flops": lambda o: [("F.conv2d", 2 * o.macs + _bias_out(o))],
        "torchinfo": lambda o: [("Conv2d.weight", o.macs), ("Conv2d.bias", _bias_out(o))],
        "ptflops": lambda o: [("nn.Conv2d", o.macs + _bias_out(o))],
        "thop": lambda o: [("nn.Conv2d", o.macs)],
    }

    def shape(self, a: ConvAttrs, ins: list[Shape]) -> Shape:
        _, h, w = ins[0]
        k, s, p, d = a.k, a.s, a.p, a.d
        if type(k) is int and type(s) is int and type(p) is int and type(d) is int:  # square: the hot path
            return (a.out_c, conv_out(h, k, s, p, d), conv_out(w, k, s, p, d))
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = hw(k), hw(s), hw(p), hw(d)
        return (a.out_c, conv_out(h, kh, sh, ph, dh), conv_out(w, kw, sw, pw, dw))

    def params(self, a: ConvAttrs, ins: Any, out: Shape) -> int:
        kh, kw = (a.k, a.k) if type(a.k) is int else a.k
        return a.out_c * (a.in_c // a.g) * kh * kw + (a.out_c if a.bias else 0)

    def macs(self, a: ConvAttrs, ins: Any, out: Shape) -> int:
        c, h, w = out
        kh, kw = (a.k, a.k) if type(a.k) is int else a.k
        return c * h * w * (a.in_c // a.g) * kh * kw

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        return list(node.inputs[:1]), {}

    def torch_module(self, a: ConvAttrs, device: Any = None, inplace: bool = False) -> Any:
        from torch import nn

        return nn.Conv2d(a.in_c, a.out_c, a.k, a.s, a.p, a.d, a.g, bias=a.bias, device=device)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        from archspec.layerops.act import Act
        from archspec.layerops.norm import Norm

        a: ConvAttrs = n.attrs
        rest = list(after)
        norm = rest.pop(0) if rest and isinstance(get(rest[0].op), Norm) and follows(rest[0], n) else None
        act = rest[0] if rest and isinstance(get(rest[0].op), Act) and follows(rest[0], norm or n) else None
        (kh, kw), (dh, dw) = hw(a.k), hw(a.d)
        words = [f"conv {a.out_c} k{size_text(a.k, 'x')}"]
        words += [f"s{size_text(a.s, 'x')}"] if a.s != 1 else []
        words += [f"p{size_text(a.p, 'x')}"] if hw(a.p) != (dh * (kh - 1) // 2, dw * (kw - 1) // 2) else []
        words += [f"d{size_text(a.d, 'x')}"] if a.d != 1 else []
        words += [f"groups={a.g}"] if a.g != 1 else []
        if a.bias != (norm is None):
            words.append("bias" if a.bias else "bias=false")
        norm_kind = norm.attrs.kind if norm is not None else "none"
        words += [f"norm={norm_kind}"] if norm_kind != d.norm else []
        kind = act.attrs.kind if act is not None else "none"
        words += [f"act={kind}"] if kind != d.act else []
        return " ".join(words), 1 + (norm is not None) + (act is not None)

    def label(self, a: ConvAttrs, ins: list[Shape] | None = None) -> str:
        name = "dwconv" if a.g > 1 and a.g == a.in_c == a.out_c else "conv"
        kh, kw = hw(a.k)
        parts = [f"{name} {kh}×{kw}", str(a.out_c)]
        parts += [f"s{size_text(a.s)}"] if a.s != 1 else []
        parts += [f"g{a.g}"] if a.g > 1 and name == "conv" else []
        parts += [f"d{size_text(a.d)}"] if a.d != 1 else []
        return ", ".join(parts)
