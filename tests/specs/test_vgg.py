"""VGG (configurations A, B, D, E; with and without BatchNorm) and AlexNet, against torchvision."""

from __future__ import annotations

import pytest

import archspec
from tests.specs._torchvision import assert_same_logits, assert_same_state_layout

VGG = ["vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn"]


@pytest.mark.parametrize("name", VGG)
def test_vgg_layout_equals_torchvision(name: str) -> None:
    assert_same_state_layout(name)


def test_vgg_params_from_papers_md() -> None:
    assert archspec.load("vgg16").params == 138_357_544
    assert archspec.load("vgg19").params == 143_667_240


def test_vgg_conv_counts_are_table_1() -> None:
    """Simonyan & Zisserman (2014), Table 1: 8, 10, 13, 16 conv layers (+3 fc = 11, 13, 16, 19)."""
    for depth in (11, 13, 16, 19):
        net = archspec.load(f"vgg{depth}")
        assert sum(layer.op in ("conv", "linear") for layer in net.layers) == depth


@pytest.mark.slow
def test_vgg_at_a_small_input_keeps_the_adaptive_pool() -> None:
    """The 7×7 adaptive pool makes any input size give the same classifier (as torchvision)."""
    assert_same_logits("vgg11", size=32, batch=1)


def test_alexnet_layout_and_params() -> None:
    assert_same_state_layout("alexnet")
    assert archspec.load("alexnet").params == 61_100_840  # papers.md
