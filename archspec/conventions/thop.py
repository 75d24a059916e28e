"""thop's ``profile(model, inputs=(x,))``: its first result ("MACs").

thop puts forward hooks on leaf modules of known classes:

- ``nn.Conv2d``: ``out · c_in/g · k²`` (bias not counted).
- ``nn.Linear``: ``in_features × output elements`` (bias not counted).
- ``nn.BatchNorm``: ``2 × input``, doubled again for the affine weights: ``4 × input``.
- ``nn.AvgPool2d``: output elements. ``nn.AdaptiveAvgPool2d``: ``(k + 1) × output`` with
  ``k = (H_in/H_out)·(W_in/W_out)`` in float64, truncated to an integer.
- ``nn.ReLU``, ``nn.ReLU6``, ``nn.LeakyReLU``, max pools, dropout: registered as zero; modules it
  does not know (SiLU, sigmoid, hardswish, tanh, flatten, …) and tensor operators: zero.
"""

from __future__ import annotations

from archspec.conventions.base import Convention

THOP = Convention(
    "thop", "thop profile", "MAC",
    counts={"conv/linear": "1/MAC", "bias": "no", "norm": "4/elem", "act": "no",
            "pool": "avg 1/output; adaptive avg (k+1)/output", "merge": "no"},
    reads="thop.profile(model, inputs=(x,))[0]",
)
