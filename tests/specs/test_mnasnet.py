"""MnasNet (Tan et al., 2019) as torchvision builds it: four depth multipliers from one spec, exact."""

from __future__ import annotations

import pytest

import archspec
from tests.specs._torchvision import assert_counts_equal_reference, assert_same_state_layout

NAMES = ["mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3"]


@pytest.mark.parametrize("name", NAMES)
def test_counts_equal_the_reference(name: str, reference: dict) -> None:
    assert_counts_equal_reference(name, reference)


@pytest.mark.parametrize("name", NAMES)
def test_layout_equals_torchvision(name: str) -> None:
    assert_same_state_layout(name)


def test_last_conv_is_exempt_from_alpha() -> None:
    """`fixed(1280)`: the stem and stage widths scale with α, the last conv does not."""
    for name in NAMES:
        net = archspec.load(name)
        head_convs = [n.out[0] for n in net.graph.nodes if n.op == "conv" and n.name.startswith("head.")]
        assert head_convs == [1280], name
    assert archspec.load("mnasnet0_5").graph.nodes[0].out[0] == 16  # 32 · 0.5
    assert archspec.load("mnasnet1_3").graph.nodes[0].out[0] == 40  # 32 · 1.3 = 41.6 → 40


def test_mean_pool_is_not_an_adaptive_pool_for_fvcore() -> None:
    """`mean` is x.mean([2, 3]): fvcore counts nothing for it, where `avgpool global` counts its input."""
    text = "network t\ninput 3x32x32\nstem:\n  conv 8 k3\n  {pool}\n  fc 10\n"
    mean = archspec.loads(text.format(pool="mean"))
    pooled = archspec.loads(text.format(pool="avgpool global\n  flatten"))
    assert mean.params == pooled.params and mean.macs == pooled.macs
    assert pooled.fvcore - mean.fvcore == 8 * 32 * 32
    assert "adaptive_avg_pool2d" not in mean.tally.by_operator("fvcore")
