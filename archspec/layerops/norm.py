"""``norm``: a normalisation layer, one row per kind in ``NORMS`` (torchvision's injected ``norm_layer``).

A row says what differs between kinds: its torch module, its parameters and buffers, what its
backward keeps, and what each counting tool charges for it. ``bn`` is BatchNorm (Ioffe & Szegedy,
2015): per channel over the batch and the map, a learnable scale and shift, running statistics.
Adding a kind is one row.
"""

from __future__ import annotations

from collections.abc import Callable
from math import prod
from typing import Any, NamedTuple

from archspec.layerops.base import CONVENTION_NAMES, Items, Op, OpDef, Shape, nothing, num_text, register


class NormAttrs(NamedTuple):
    kind: str
    c: int  # channels (features when dims == 1)
    eps: float
    momentum: float
    dims: int = 3  # of the input without the batch: 3 for C×H×W, 1 for features
    channels_last: bool = False  # the input is H×W×C (LayerNorm over its last axis)
    groups: int = 0  # GroupNorm's groups


class NormKind(NamedTuple):
    """One kind of norm. Counts are per sample; ``o.attrs`` is the node's ``NormAttrs``."""

    title: str
    torch: Callable[[NormAttrs, Any], Any]  # (attrs, device) → the torch module
    params: Callable[[NormAttrs], int]
    buffers: Callable[[NormAttrs, int], int]  # (attrs, bytes per element) → bytes
    stats: Callable[[NormAttrs], int]  # fp32 values its backward keeps besides its input, for the whole batch
    sample_stats: Callable[[NormAttrs, Shape], int] = lambda a, out: 0  # fp32 values it keeps per sample
    any_axis: bool = False  # also normalises the last axis of a channels-last tensor
    counts: dict[str, Callable[[Op], Items]] = {}  # noqa: RUF012 (never mutated)


def _bn_module(a: NormAttrs, device: Any) -> Any:
    from torch import nn

    cls = nn.BatchNorm2d if a.dims == 3 else nn.BatchNorm1d
    return cls(a.c, eps=a.eps, momentum=a.momentum, device=device)


def _bn_class(o: Op) -> str:
    return "BatchNorm2d" if o.attrs.dims == 3 else "BatchNorm1d"


NORMS: dict[str, NormKind] = {
    "bn": NormKind(
        "BatchNorm",
        torch=_bn_module,
        params=lambda a: 2 * a.c,  # scale and shift
        buffers=lambda a, e: 2 * a.c * e + 8,  # running mean and var, an int64 batch counter
        stats=lambda a: 2 * a.c,  # batch mean and inverse std
        counts={
            "macs": nothing,
            "flops": lambda o: [("norm", 2 * o.n_out)],
            "fvcore": lambda o: [("batch_norm", 2 * o.n_in)],  # eval mode, affine: scale and shift
            "torch": nothing,
            "calflops": nothing,
            "calflops_flops": lambda o: [("F.batch_norm", 2 * o.n_in)],
            "torchinfo": lambda o: [(f"{_bn_class(o)}.weight+bias", 2 * o.attrs.c)],
            "ptflops": lambda o: [(f"nn.{_bn_class(o)}", 2 * o.n_in)],
            "thop": lambda o: [(f"nn.{_bn_class(o)}", 4 * o.n_in)],  # 2 per element, doubled for the affine weights
        },
    ),
}
def _ln_module(a: NormAttrs, device: Any) -> Any:
    from torch import nn

    if a.channels_last or a.dims == 1:
        return nn.LayerNorm(a.c, eps=a.eps, device=device)
    from archspec.backends.layers import LayerNorm2d

    return LayerNorm2d(a.c, eps=a.eps, device=device)


NORMS["ln"] = NormKind(
    "LayerNorm (Ba et al., 2016): over the channels at each position",
    torch=_ln_module,
    params=lambda a: 2 * a.c,  # scale and shift
    buffers=lambda a, e: 0,
    stats=lambda a: 0,
    sample_stats=lambda a, out: 2 * (prod(out) // a.c),  # mean and 1/std per position
    any_axis=True,
    counts={
        "macs": nothing,
        "flops": lambda o: [("norm", 5 * o.n_out)],  # subtract the mean, divide, scale, shift, and the moments
        "fvcore": lambda o: [("layer_norm", 5 * o.n_in)],  # fvcore's norm handle with affine weights
        "torch": nothing,
        "calflops": nothing,
        "calflops_flops": lambda o: [("F.layer_norm", 5 * o.n_in)],  # its patch counts 5/elem with affine weights
        "torchinfo": lambda o: [("LayerNorm.weight+bias", 2 * o.attrs.c)],
        # ptflops and thop hook nn.LayerNorm itself (1/elem; thop 4/elem), not archspec's LayerNorm2d subclass,
        # and neither patches F.layer_norm.
        "ptflops": lambda o: [("nn.LayerNorm", o.n_in)] if _plain_ln(o) else [],
        "thop": lambda o: [("nn.LayerNorm", 4 * o.n_in)] if _plain_ln(o) else [],
    },
)
def _gn_module(a: NormAttrs, device: Any) -> Any:
    from torch import nn

    return nn.GroupNorm(a.groups, a.c, eps=a.eps, device=device)


NORMS["gn"] = NormKind(
    "GroupNorm (Wu & He, 2018): over groups of channels and the map, per sample",
    torch=_gn_module,
    params=lambda a: 2 * a.c,
    buffers=lambda a, e: 0,
    stats=lambda a: 0,
    sample_stats=lambda a, out: 2 * a.groups,  # mean and 1/std per group
    counts={
        "macs": nothing,
        "flops": lambda o: [("norm", 5 * o.n_out)],
        "fvcore": lambda o: [("group_norm", 5 * o.n_in)],
        "torch": nothing,
        "calflops": nothing,
        "calflops_flops": lambda o: [("F.group_norm", 5 * o.n_in)],
        "torchinfo": lambda o: [("GroupNorm.weight+bias", 2 * o.attrs.c)],
        "ptflops": lambda o: [("nn.GroupNorm", 2 * o.n_in)],  # its norm hook, doubled for the affine weights
        "thop": nothing,
    },
)
GN_GROUPS = 32  # GroupNorm's groups where a spec does not say (the paper's G = 32)
NAMES = (*NORMS, "none")  # every word `norm=` takes


def _plain_ln(o: Op) -> bool:
    """Run as an ``nn.LayerNorm`` (channels-last, or features), not archspec's LayerNorm2d subclass."""
    return o.attrs.channels_last or o.attrs.dims == 1



def _rule(convention: str) -> Callable[[Op], Items]:
    return lambda o: NORMS[o.attrs.kind].counts[convention](o)


@register
class Norm(OpDef):
    name = "norm"
    kind = "norm"
    Attrs = NormAttrs
    fresh = True
    suffix = True
    example = ("conv 8 k3\nnorm eps=0.001 momentum=0.01\nnorm ln eps=0.000001\nchannels_last\nnorm ln\nchannels_first\n"
               "norm gn groups=4")
    counts = {c: _rule(c) for c in CONVENTION_NAMES}

    def incomplete(self) -> list[str]:
        return [f"norm {k}: convention:{c}" for k, row in NORMS.items() for c in CONVENTION_NAMES if c not in row.counts]

    def shape(self, a: NormAttrs, ins: list[Shape]) -> Shape:
        return ins[0]

    def params(self, a: NormAttrs, ins: Any, out: Shape) -> int:
        return NORMS[a.kind].params(a)

    def buffers(self, a: NormAttrs, element_bytes: int) -> int:
        return NORMS[a.kind].buffers(a, element_bytes)

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        row = NORMS[node.attrs.kind]
        extra = {"stats": row.stats(node.attrs), "sample_stats": row.sample_stats(node.attrs, node.out)}
        return list(node.inputs[:1]), {k: v for k, v in extra.items() if v}

    def torch_module(self, a: NormAttrs, device: Any = None, inplace: bool = False) -> Any:
        return NORMS[a.kind].torch(a, device)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        a: NormAttrs = n.attrs
        words = ["norm"] + ([a.kind] if a.kind != d.norm or a.channels_last else [])
        words += [f"eps={num_text(a.eps)}"] if a.eps != d.norm_eps else []
        words += [f"momentum={num_text(a.momentum)}"] if a.momentum != d.norm_momentum else []
        words += [f"groups={a.groups}"] if a.kind == "gn" else []
        return " ".join(words), 1

    def label(self, a: NormAttrs, ins: list[Shape] | None = None) -> str:
        return a.kind + (" (channels last)" if a.channels_last else "") + (f" /{a.groups}" if a.kind == "gn" else "")
