"""calflops's ``calculate_flops(model, input_shape)``: its MACs and its FLOPs.

calflops (whose rules come from DeepSpeed's flops profiler) monkey-patches ``torch.nn.functional``
and charges each patched call to the module running it. On a network of standard layers:

- ``F.conv2d``: MACs ``out · c_in/g · k²``; FLOPs ``2 · MACs`` plus one per output for a bias.
- ``F.linear``: MACs ``in · out``; FLOPs ``2 · MACs`` (the bias is not counted).
- ``F.batch_norm`` (eval): FLOPs ``2 × input`` (affine), no MACs.
- ``F.relu``, ``F.silu``, ``F.gelu``, ``F.leaky_relu``: FLOPs ``1 × input``. ``nn.ReLU6`` runs
  ``F.hardtanh``, and sigmoid, tanh, hardswish and hardsigmoid run unpatched functions: zero.
- every pooling function (max, avg, adaptive): FLOPs ``1 × input``.
- ``+``, ``*`` and ``torch.cat`` in the module's forward are Tensor operators, not the patched
  ``torch.add`` / ``torch.mul``: zero.
"""

from __future__ import annotations

from archspec.conventions.base import Convention

CALFLOPS = Convention(
    "calflops", "calflops MACs", "MAC",
    counts={"conv/linear": "1/MAC", "bias": "no", "norm": "no", "act": "no", "pool": "no", "merge": "no"},
    reads="calflops.calculate_flops(model, input_shape=(1, C, H, W), output_as_string=False)[1]",
)

CALFLOPS_FLOPS = Convention(
    "calflops_flops", "calflops FLOPs", "FLOP",
    counts={"conv/linear": "2/MAC", "bias": "conv 1/output", "norm": "2/elem",
            "act": "relu, silu, gelu, leaky 1/elem", "pool": "1/input", "merge": "no"},
    reads="calflops.calculate_flops(model, input_shape=(1, C, H, W), output_as_string=False)[0]",
)
