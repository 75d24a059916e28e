"""LeNet-5 (LeCun et al., 1998): 1×32×32 input, 61,706 parameters."""

from __future__ import annotations

import archspec


def test_lenet5_parameter_count() -> None:
    assert archspec.load("lenet5").params == 61_706  # papers.md


def test_lenet5_feature_maps_follow_the_paper() -> None:
    """C1 6@28×28, S2 6@14×14, C3 16@10×10, S4 16@5×5, C5 120, F6 84, output 10."""
    net = archspec.load("lenet5")
    assert net.input == (1, 32, 32)
    outs = [layer.out for layer in net.layers if layer.op in ("conv", "avgpool", "linear")]
    assert outs == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120,), (84,), (10,)]
    assert {layer.attrs.kind for layer in net.layers if layer.op == "act"} == {"tanh"}
