"""archspec's own conventions: ``macs`` (the papers' figure) and ``flops`` (every op, MAC = 2)."""

from __future__ import annotations

from archspec.conventions.base import Convention

MACS = Convention(
    "macs", "archspec MACs (conv + linear, no bias)", "MAC",
    counts={"conv/linear": "1/MAC", "bias": "no", "norm": "no", "act": "no", "pool": "no", "merge": "no"},
    reads="Network.macs",
    note="the papers' 'FLOPs' / 'mult-adds'; torchvision's documented GFLOPS",
)

FLOPS = Convention(
    "flops", "archspec FLOPs (every op, MAC = 2)", "FLOP",
    counts={"conv/linear": "2/MAC", "bias": "1/output", "norm": "2/elem",
            "act": "1/elem (sigmoid, silu, gelu, tanh 4; hard* 3)", "pool": "1/window elem (global 1/input)",
            "merge": "add, mul 1/elem"},
    reads="Network.flops",
)
