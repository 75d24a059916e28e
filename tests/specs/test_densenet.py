"""DenseNet-121/161/169/201: one family spec (growth, stem width, layers per dense block) against torchvision."""

from __future__ import annotations

import pytest
import torch
from torchvision.models import densenet as tv_densenet

import archspec
from tests.specs._torchvision import assert_same_state_layout, torchvision_model

NAMES = ["densenet121", "densenet161", "densenet169", "densenet201"]
# Forward passes of the deeper/wider members are the slow ones on a small CPU: still run, marked.
SLOW = {"densenet161", "densenet201"}


@pytest.mark.parametrize("name", NAMES)
def test_layout_equals_torchvision(name: str) -> None:
    assert_same_state_layout(name)


@pytest.mark.parametrize("name", NAMES)
def test_dense_blocks_equal_torchvision(name: str) -> None:
    """Layers per dense block, growth rate and stem width as torchvision's builder makes them."""
    with torch.device("meta"):
        theirs = torchvision_model(name)
    blocks = [m for m in theirs.modules() if isinstance(m, tv_densenet._DenseBlock)]
    growth = {layer.conv2.out_channels for b in blocks for layer in b.children()}
    net = archspec.load(name)
    rows = [s for s in net.stages if s.info.get("block") == "dense_block"]
    assert [s.info["n"] for s in rows] == [len(b) for b in blocks]
    assert {s.info["growth"] for s in rows} == growth
    assert net.stages[0].info["widths"] == [theirs.features.conv0.out_channels]
    # each block adds n · growth channels, each transition halves them (Huang et al., Table 1)
    (k,) = growth
    width = theirs.features.conv0.out_channels
    for s, b in zip(rows, blocks, strict=True):
        width += len(b) * k
        if s is not rows[-1]:
            width //= 2
        assert s.out[0] == width

def test_densenet121_follows_the_paper() -> None:
    """Huang et al. (2017), Table 1: each block adds layers × 32 channels, each transition halves."""
    net = archspec.load("densenet121")
    assert net.params == 7_978_856  # papers.md
    outs = [s.out for s in net.stages if s.info.get("block") == "dense_block"]
    assert outs == [(128, 28, 28), (256, 14, 14), (512, 7, 7), (1024, 7, 7)]
    assert [s.info["n"] for s in net.stages if s.info.get("block") == "dense_block"] == [6, 12, 24, 16]
    assert sum(layer.op == "conv" for layer in net.layers) == 1 + 2 * (6 + 12 + 24 + 16) + 3
