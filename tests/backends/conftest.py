"""Helpers for the backend tests: the zoo at a small input size, BatchNorm with real statistics."""

from __future__ import annotations

import archspec
from archspec.network import Network

SMALL = 64  # input resolution for whole-zoo tests: enough for every zoo network's downsampling


def zoo_names() -> list[str]:
    """Models that between them use every op configuration of the zoo (``tests.conftest.OP_COVER``)."""
    from tests.conftest import OP_COVER

    return list(OP_COVER)


def small(name: str) -> Network:
    """A zoo network at a SMALL×SMALL input where its spec allows (fewer MACs, same layers)."""
    net = archspec.load(name)
    if net.input[1] > SMALL:
        try:
            return archspec.load(name, overrides={"resolution": SMALL})
        except archspec.SpecError:
            pass
    return net


def slim(name: str) -> Network:
    """``small(name)`` at a quarter of the width where its spec takes the knob and every op configuration
    stays as it was (``tests.conftest.op_configurations``): for the exporters, whose time goes with the
    number of ops and the bytes of weights they write, not with what they translate."""
    from tests.conftest import op_configurations

    net = small(name)
    try:
        thin = archspec.load(name, overrides={"resolution": net.input[1], "width": 0.25})
    except archspec.SpecError:
        return net
    return thin if op_configurations(thin.target) == op_configurations(net.target) else net


def randomize_norms(module) -> None:  # type: ignore[no-untyped-def]
    """Non-trivial BatchNorm statistics and affine terms, so a misplaced or folded norm shows."""
    import torch
    from torch import nn

    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
