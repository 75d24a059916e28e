"""DenseNet-121: growth 32, blocks 6-12-24-16, bn_size 4, compression 0.5."""

from __future__ import annotations

import archspec
from tests.specs._torchvision import assert_same_logits, assert_same_state_layout


def test_equals_torchvision() -> None:
    assert_same_logits("densenet121", size=64)


def test_layout_equals_torchvision() -> None:
    assert_same_state_layout("densenet121")


def test_widths_follow_the_paper() -> None:
    """Huang et al. (2017), Table 1: each block adds layers × 32 channels, each transition halves."""
    net = archspec.load("densenet121")
    assert net.params == 7_978_856  # papers.md
    outs = [s.out for s in net.stages if s.info.get("block") == "dense_block"]
    assert outs == [(128, 28, 28), (256, 14, 14), (512, 7, 7), (1024, 7, 7)]
    assert [s.info["n"] for s in net.stages if s.info.get("block") == "dense_block"] == [6, 12, 24, 16]
    assert sum(layer.op == "conv" for layer in net.layers) == 1 + 2 * (6 + 12 + 24 + 16) + 3
