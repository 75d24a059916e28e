"""``upsample``: the map S times larger, by nearest neighbour or bilinear interpolation (``nn.Upsample``),
for multi-resolution designs (feature pyramids, HRNet's fusion)."""

from __future__ import annotations

from typing import Any, NamedTuple

from archspec.layerops.base import OpDef, Shape, nothing, register

MODES = ("nearest", "bilinear")


class UpsampleAttrs(NamedTuple):
    scale: int
    mode: str = "nearest"


def _bilinear(o: Any) -> bool:
    return o.attrs.mode == "bilinear"


@register
class Upsample(OpDef):
    name = "upsample"
    kind = "reshape"
    Attrs = UpsampleAttrs
    example = "conv 8 k3 s2\nupsample 2\nupsample 2 bilinear"
    counts = {
        "macs": nothing,
        "flops": lambda o: [("upsample", (4 if _bilinear(o) else 0) * o.n_out)],  # bilinear: 4 per output
        "fvcore": lambda o: [(f"upsample_{o.attrs.mode}2d", (4 if _bilinear(o) else 1) * o.n_out)],
        "torch": nothing,
        "calflops": nothing,
        "calflops_flops": lambda o: [("F.interpolate", o.n_in)],
        "torchinfo": nothing,
        # the module hook and the patched F.interpolate, each the output's elements
        "ptflops": lambda o: [("nn.Upsample", o.n_out), ("F.interpolate", o.n_out)],
        "thop": lambda o: [("nn.Upsample", (11 if _bilinear(o) else 1) * o.n_out)],
    }

    def shape(self, a: UpsampleAttrs, ins: list[Shape]) -> Shape:
        c, h, w = ins[0]
        return (c, h * a.scale, w * a.scale)

    def torch_module(self, a: UpsampleAttrs, device: Any = None, inplace: bool = False) -> Any:
        from torch import nn

        if a.mode == "bilinear":
            return nn.Upsample(scale_factor=float(a.scale), mode="bilinear", align_corners=False)
        return nn.Upsample(scale_factor=float(a.scale), mode="nearest")

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return f"upsample {n.attrs.scale}" + (" bilinear" if n.attrs.mode == "bilinear" else ""), 1

    def label(self, a: UpsampleAttrs, ins: list[Shape] | None = None) -> str:
        return f"upsample ×{a.scale}, {a.mode}"
