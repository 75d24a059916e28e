"""fvcore's ``FlopCountAnalysis(model, x).total()`` with its default op handles.

fvcore traces the module with ``torch.jit.trace`` and counts a handful of aten ops: one per MAC
for ``aten::_convolution`` and ``aten::linear`` (bias not counted), ``2 × input`` for
``aten::batch_norm`` in eval mode with affine weights, and ``1 × input`` for
``aten::adaptive_avg_pool2d``. Everything else (relu, max/avg pooling, add, mul, cat, sigmoid,
silu, hardswish, dropout) is skipped with an "unsupported operator" warning.
"""

from __future__ import annotations

from archspec.conventions.base import Convention

FVCORE = Convention(
    "fvcore", "fvcore FlopCountAnalysis", "MAC",
    counts={"conv/linear": "1/MAC", "bias": "no", "norm": "2/elem", "act": "no", "pool": "adaptive avg 1/input",
            "merge": "no"},
    reads="fvcore.nn.FlopCountAnalysis(model, x).total(); .by_operator() for the table",
    note="operator names are fvcore's by_operator() keys",
)
