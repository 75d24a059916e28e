"""ptflops's ``get_model_complexity_info(model, (C, H, W))`` with its default ``pytorch`` backend.

ptflops counts twice over: forward hooks on known ``nn`` modules, *and* monkey-patched
``torch.nn.functional`` calls added to a global total. A module whose ``forward`` calls a patched
function is therefore counted by both:

- ``nn.Conv2d``: ``out · c_in/g · k²`` plus one per output for a bias (hook only).
- ``nn.Linear``: ``in · out + out`` (hook; its ``F.linear`` patch is disabled).
- ``nn.BatchNorm``: ``2 × input`` (affine).
- ``nn.ReLU`` and ``nn.GELU``: output elements by the hook, and again by the ``F.relu`` /
  ``F.gelu`` patch. ``nn.ReLU6`` (runs ``F.hardtanh``) and ``nn.LeakyReLU``: the hook only.
  ``nn.SiLU`` has no hook but its ``F.silu`` is patched: once. Sigmoid, tanh, hardswish,
  hardsigmoid: zero.
- every ``nn`` pool: input elements by the hook and again by its patched ``F.*_pool2d``.
- ``+`` and ``*`` between tensors are Tensor operators, not the patched ``torch.add`` /
  ``torch.mul``; ``torch.cat`` is not patched: zero.
"""

from __future__ import annotations

from archspec.conventions.base import Convention


def module_part(item: str) -> bool:
    """Whether an item is counted by a module hook (``nn.*``), not by a patched function (``F.*``)."""
    return not item.startswith("F.")


PTFLOPS = Convention(
    "ptflops", "ptflops (pytorch backend)", "MAC",
    counts={"conv/linear": "1/MAC", "bias": "1/output", "norm": "2/elem",
            "act": "relu, gelu 2/elem; relu6, leaky, silu 1/elem", "pool": "2/input", "merge": "no"},
    reads="ptflops.get_model_complexity_info(model, (C, H, W), as_strings=False)[0]",
    note="the aten backend (backend='aten') counts only aten.mm/convolution-style ops and is not modelled",
)
