"""torchinfo's ``summary(model, input_size)``: its "Total mult-adds".

torchinfo derives mult-adds from each leaf layer's parameters, not from the op: for a layer with
``Conv`` in its class name, ``numel(param) × N·H_out·W_out`` for the weight and the bias alike;
for any other layer, ``numel(param) × N``. So a conv adds its MACs plus one per output for a
bias, a linear layer ``in · out + out``, and a batch norm ``2 · C`` (its weight and bias), per
sample. Layers without parameters (activations, pools, dropout) add nothing.
"""

from __future__ import annotations

from archspec.conventions.base import Convention

TORCHINFO = Convention(
    "torchinfo", "torchinfo Total mult-adds", "MAC",
    counts={"conv/linear": "1/MAC", "bias": "1/output", "norm": "2/channel", "act": "no", "pool": "no", "merge": "no"},
    reads="torchinfo.summary(model, input_size=(1, C, H, W)).total_mult_adds",
)
