"""``norm``: a normalisation layer, one row per kind in ``NORMS`` (torchvision's injected ``norm_layer``).

A row says what differs between kinds: its torch module, its parameters and buffers, what its
backward keeps, and what each counting tool charges for it. ``bn`` is BatchNorm (Ioffe & Szegedy,
2015): per channel over the batch and the map, a learnable scale and shift, running statistics.
Adding a kind is one row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archspec.layerops.base import CONVENTION_NAMES, Attrs, Items, Op, OpDef, Shape, nothing, register


@dataclass(slots=True)
class NormAttrs(Attrs):
    kind: str
    c: int  # channels (features when dims == 1)
    eps: float
    momentum: float
    dims: int = 3  # of the input without the batch: 3 for C×H×W, 1 for features


@dataclass(frozen=True)
class NormKind:
    """One kind of norm. Counts are per sample; ``o.attrs`` is the node's ``NormAttrs``."""

    title: str
    torch: Callable[[NormAttrs, Any], Any]  # (attrs, device) → the torch module
    params: Callable[[NormAttrs], int]
    buffers: Callable[[NormAttrs, int], int]  # (attrs, bytes per element) → bytes
    stats: Callable[[NormAttrs], int]  # fp32 values its backward keeps besides its input
    counts: dict[str, Callable[[Op], Items]] = field(default_factory=dict)


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
NAMES = (*NORMS, "none")  # every word `norm=` takes


def _rule(convention: str) -> Callable[[Op], Items]:
    return lambda o: NORMS[o.attrs.kind].counts[convention](o)


@register
class Norm(OpDef):
    name = "norm"
    kind = "norm"
    Attrs = NormAttrs
    fresh = True
    suffix = True
    example = "conv 8 k3\nnorm eps=0.001 momentum=0.01"
    counts = {c: _rule(c) for c in CONVENTION_NAMES}

    def incomplete(self) -> list[str]:
        return [f"norm {k}: convention:{c}" for k, row in NORMS.items() for c in CONVENTION_NAMES if c not in row.counts]

    def shape(self, a: NormAttrs, ins: list[Shape]) -> Shape:
        return ins[0]

    def params(self, a: NormAttrs, ins: Any, out: Shape) -> int:
        return NORMS[a.kind].params(a)

    def buffers(self, a: NormAttrs, element_bytes: int) -> int:
        return NORMS[a.kind].buffers(a, element_bytes)

    def saved(self, node: Any, grad: dict[int, bool]) -> tuple[list[int], dict[str, int]]:
        return list(node.inputs[:1]), {"stats": NORMS[node.attrs.kind].stats(node.attrs)}

    def torch_module(self, a: NormAttrs, device: Any = None, inplace: bool = False) -> Any:
        return NORMS[a.kind].torch(a, device)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        a: NormAttrs = n.attrs
        words = ["norm"] + ([a.kind] if a.kind != d.norm else [])
        words += [f"eps={_num(a.eps)}"] if a.eps != d.norm_eps else []
        words += [f"momentum={_num(a.momentum)}"] if a.momentum != d.norm_momentum else []
        return " ".join(words), 1

    def label(self, a: NormAttrs, ins: list[Shape] | None = None) -> str:
        return a.kind


def _num(v: float) -> str:
    from archspec.fmt import float_text

    return float_text(v)
