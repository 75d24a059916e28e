"""RegNet X and Y (Radosavovic et al., 2020), generated from the paper's rule: all fifteen of torchvision's, exact."""

from __future__ import annotations

import pytest

import archspec
from tests.specs._torchvision import assert_counts_equal_reference, assert_same_state_layout

SIZES = ["400mf", "800mf", "1_6gf", "3_2gf", "8gf", "16gf", "32gf"]
NAMES = [f"regnet_x_{s}" for s in SIZES] + [f"regnet_y_{s}" for s in [*SIZES, "128gf"]]
# Layout and logits for the small ones; the counts above are checked for all fifteen.
SMALL = ["regnet_x_400mf", "regnet_y_400mf", "regnet_x_800mf", "regnet_y_800mf"]


@pytest.mark.parametrize("name", NAMES)
def test_counts_equal_the_reference(name: str, reference: dict) -> None:
    assert_counts_equal_reference(name, reference)


@pytest.mark.parametrize("name", SMALL)
def test_layout_equals_torchvision(name: str) -> None:
    """torchvision registers the projection before the block body: `order=shortcut_first` gives that order."""
    assert_same_state_layout(name)


@pytest.mark.parametrize("name", ["regnet_x_8gf", "regnet_y_16gf"])
def test_stage_widths_and_depths_follow_torchvisions_rule(name: str) -> None:
    from torchvision.models import regnet

    settings = {"regnet_x_8gf": dict(depth=23, w_0=80, w_a=49.56, w_m=2.88, group_width=120),
                "regnet_y_16gf": dict(depth=18, w_0=200, w_a=106.23, w_m=2.48, group_width=112, se_ratio=0.25)}[name]
    theirs = regnet.BlockParams.from_init_params(**settings)
    stages = [s for s in archspec.load(name).graph.scopes if s.kind == "stage" and "block" in s.info]
    assert [s.info["c"] for s in stages] == theirs.widths
    assert [s.info["repeats"] for s in stages] == theirs.depths


def test_shortcut_first_puts_the_projection_weights_first() -> None:
    text = "network t\ninput 8x8x8\nstem:\n  residual order={}:\n    conv 16 k3 s2\n"
    first = archspec.loads(text.format("shortcut_first"))
    last = archspec.loads(text.format("body_first"))
    assert [n.name for n in first.graph.nodes] == ["stem.shortcut.conv1", "stem.shortcut.norm1", "stem.conv1",
                                                   "stem.norm1", "stem.act1", "stem.add1"]
    assert [n.name for n in last.graph.nodes][:3] == ["stem.conv1", "stem.norm1", "stem.act1"]
    assert (first.params, first.macs, first.output) == (last.params, last.macs, last.output)
    assert "order=shortcut_first" in first.expand()
    keys = list(first.to_torch().state_dict())
    assert keys[0] == "stem.shortcut.conv1.weight"
