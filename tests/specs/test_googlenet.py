"""GoogLeNet: torchvision's layout (3×3 in the "5×5" branch) and the paper's true 5×5."""

from __future__ import annotations

import archspec
from tests.specs._torchvision import assert_same_state_layout

# (1×1, 3×3 reduce, 3×3, 5×5 reduce, 5×5, pool proj) of Szegedy et al. (2014), Table 1.
TABLE1 = {
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64), "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64), "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128), "5b": (384, 192, 384, 48, 128, 128),
}
# Output size of each module in Table 1.
SIZES = {"3": (28, 480), "4": (14, 832), "5": (7, 1024)}


def test_layout_equals_torchvision() -> None:
    """BatchNorm eps 0.001 on every conv, no aux heads: same tensors in the same order."""
    assert_same_state_layout("googlenet")


def test_paper_variant_has_the_true_5x5() -> None:
    """papers.md: 7,005,832 parameters with a true 5×5 (torchvision's 3×3 gives 6,624,904)."""
    paper, tv = archspec.load("googlenet_paper"), archspec.load("googlenet")
    assert paper.params == 7_005_832 and tv.params == 6_624_904
    kernels = {layer.attrs.k for layer in paper.layers if layer.op == "conv" and ".branch3.conv2" in layer.path}
    assert kernels == {5}
    assert {layer.attrs.k for layer in tv.layers if layer.op == "conv" and ".branch3.conv2" in layer.path} == {3}


def test_inception_modules_follow_table_1() -> None:
    net = archspec.load("googlenet_paper")
    assert [tuple(b.info[k] for k in ("ch1x1", "ch3x3red", "ch3x3", "ch5x5red", "ch5x5", "pool_proj"))
            for b in net.blocks] == list(TABLE1.values())
    for b, name in zip(net.blocks, TABLE1, strict=True):
        size = {"3": 28, "4": 14, "5": 7}[name[0]]
        assert b.out[1:] == (size, size)
        assert b.out[0] == sum(TABLE1[name][i] for i in (0, 2, 4, 5))
    assert [s.out for s in net.stages if s.name.startswith("inception")] == [(480, 14, 14), (832, 7, 7), (1024, 7, 7)]
