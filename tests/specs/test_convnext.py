"""ConvNeXt (Liu et al., 2022): LayerNorm (channels-first and channels-last), the channels-last MLP, layer
scale and stochastic depth, exact against torchvision in counts, state_dict layout and logits."""

from __future__ import annotations

import pytest

import archspec
from tests.specs._torchvision import assert_counts_equal_reference, assert_same_state_layout

NAMES = ["convnext_tiny", "convnext_small", "convnext_base", "convnext_large"]


@pytest.mark.parametrize("name", NAMES)
def test_counts_equal_the_reference(name: str, reference: dict) -> None:
    assert_counts_equal_reference(name, reference)


def test_state_layout_is_torchvisions() -> None:
    """γ comes first in each block's state_dict, as torchvision's CNBlock.layer_scale."""
    assert_same_state_layout("convnext_tiny")
    keys = list(archspec.load("convnext_tiny").to_torch(device="meta").state_dict())
    assert keys[4:6] == ["stage1.0.layers.layer_scale1", "stage1.0.layers.conv1.weight"]


def test_stochastic_depth_grows_linearly_to_the_variants_rate() -> None:
    net = archspec.load("convnext_tiny")
    drops = [n.attrs.p for n in net.graph.nodes if n.op == "droppath"]
    assert len(drops) == 17 and drops[-1] == pytest.approx(0.1)  # 18 blocks, the first at rate 0
    assert drops == pytest.approx([0.1 * i / 17 for i in range(1, 18)])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("conv 8 k3\nchannels_last\nconv 8 k3\n", "`conv` needs a C×H×W input, but the input here is channels-last"),
        ("conv 8 k3\nchannels_last\nnorm bn\n", "`bn` normalises channels-first maps"),
        ("conv 8 k3\nchannels_first\n", "the input here is already channels-first"),
        ("conv 8 k3\nchannels_last\nlayer_scale\n", "`layer_scale` needs a C×H×W input"),
    ],
)
def test_layout_mistakes_are_located(body: str, message: str) -> None:
    text = "network t\ninput 3x8x8\nstem:\n" + "".join(f"  {line}\n" for line in body.splitlines())
    with pytest.raises(archspec.SpecError) as exc:
        archspec.loads(text)
    assert message in exc.value.message and exc.value.line == 3 + len(body.splitlines())
