"""Per-op cost formulas: parameters, multiply-accumulates and floating-point operations.

Conventions (stated in every table):
- ``params``: trainable parameters, as ``sum(p.numel() for p in module.parameters())``.
- ``macs``: multiply-accumulates of conv and linear layers, bias excluded — the papers' "FLOPs"
  and torchvision's documented figure.
- ``flops``: every floating-point operation, a MAC counted as 2: conv/linear 2·MACs plus one add
  per output for a bias; norm 2 per element (scale, shift); activation 1 per element (4 for
  sigmoid/silu/gelu/tanh, 3 for the hard variants); pools one per window element; add and mul
  1 per element.
- ``fvcore``: fvcore's FlopCountAnalysis total: conv and linear MACs, 2 per element for
  batch_norm (eval mode, affine), and the input size of adaptive average pooling; other ops are not counted.
"""

from __future__ import annotations

from math import prod
from typing import Any

_ACT_FLOPS = {"sigmoid": 4, "silu": 4, "swish": 4, "gelu": 4, "tanh": 4, "hardswish": 3, "hardsigmoid": 3}


def params_macs(op: str, a: dict[str, Any], ins: list[tuple[int, ...]], out: tuple[int, ...]) -> tuple[int, int]:
    """Parameters and MACs of one node."""
    if op == "conv":
        per_out = (a["in_c"] // a["g"]) * a["k"] * a["k"]
        params = a["out_c"] * per_out + (a["out_c"] if a["bias"] else 0)
        return params, prod(out) * per_out
    if op == "linear":
        return a["in_f"] * a["out_f"] + (a["out_f"] if a["bias"] else 0), a["in_f"] * a["out_f"]
    if op == "norm":
        return 2 * out[0], 0
    return 0, 0


def flops(op: str, a: dict[str, Any], ins: list[tuple[int, ...]], out: tuple[int, ...], macs: int) -> int:
    """All floating-point operations of one node (see the module docstring)."""
    n = prod(out)
    if op == "conv":
        return 2 * macs + (n if a["bias"] else 0)
    if op == "linear":
        return 2 * macs + (n if a["bias"] else 0)
    if op == "norm":
        return 2 * n
    if op == "act":
        return _ACT_FLOPS.get(a["kind"], 1) * n
    if op in ("maxpool", "avgpool"):
        if a.get("global") or a.get("adaptive"):
            return max(prod(ins[0]), n)  # every input element enters a window (adaptive windows may overlap)
        return n * a["k"] * a["k"]
    if op in ("add", "mul"):
        return n
    if op == "concat" or op == "flatten" or op == "dropout" or op == "zeropad":
        return 0
    if op == "droppath":
        return 0  # identity at inference
    return 0


def fvcore(op: str, a: dict[str, Any], ins: list[tuple[int, ...]], out: tuple[int, ...], macs: int) -> int:
    """fvcore FlopCountAnalysis's count for one node (its default op handles)."""
    if op in ("conv", "linear"):
        return macs
    if op == "norm":
        return 2 * prod(ins[0])  # eval mode with affine: scale and shift
    if op == "avgpool" and (a.get("global") or a.get("adaptive")):
        return prod(ins[0])
    return 0
