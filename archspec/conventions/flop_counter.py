"""torch's ``torch.utils.flop_counter.FlopCounterMode``: 2 FLOPs per MAC of matmuls and convolutions.

It intercepts aten ops at dispatch and has formulas only for matrix products and convolutions
(``aten.convolution``: ``2 · out · c_in/g · k²``, bias ignored; ``aten.addmm`` / ``aten.mm`` for
``nn.Linear``: ``2 · in · out``, bias ignored). Norms, activations, pools and elementwise ops
count zero.
"""

from __future__ import annotations

from archspec.conventions.base import Convention

TORCH = Convention(
    "torch", "torch FlopCounterMode", "FLOP",
    counts={"conv/linear": "2/MAC", "bias": "no", "norm": "no", "act": "no", "pool": "no", "merge": "no"},
    reads="with torch.utils.flop_counter.FlopCounterMode() as m: model(x); m.get_total_flops()",
    note="operator names are the aten overload packets in get_flop_counts()",
)
