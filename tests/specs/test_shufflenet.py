"""ShuffleNet V2 (Ma et al., 2018): channel split, pass-through branch and channel shuffle, exact."""

from __future__ import annotations

import pytest
import torch

import archspec
from archspec.backends.layers import channel_shuffle
from tests.specs._torchvision import assert_counts_equal_reference, assert_same_state_layout

NAMES = ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


@pytest.mark.parametrize("name", NAMES)
def test_counts_equal_the_reference(name: str, reference: dict) -> None:
    assert_counts_equal_reference(name, reference)


@pytest.mark.parametrize("name", NAMES)
def test_layout_equals_torchvision(name: str) -> None:
    assert_same_state_layout(name)


def test_channel_shuffle_is_torchvisions() -> None:
    from torchvision.models.shufflenetv2 import channel_shuffle as theirs

    x = torch.randn(2, 12, 3, 3)
    for g in (1, 2, 3, 4, 6):
        assert torch.equal(channel_shuffle(x, g), theirs(x, g))


def _error(body: str) -> archspec.SpecError:
    with pytest.raises(archspec.SpecError) as exc:
        archspec.loads(f"network t\ninput 3x8x8\nstem:\n  conv 6 k1\n{body}")
    return exc.value


def test_split_and_shuffle_mistakes_are_located() -> None:
    e = _error("  shuffle 4\n")
    assert "shuffle 4 does not divide the 6 channels" in e.message and (e.line, e.col) == (5, 11)
    e = _error("  concat split=4:\n    branch: identity\n    branch: identity\n    branch: identity\n    branch: identity\n")
    assert "split=4 does not divide the 6 input channels" in e.message and e.line == 5
    e = _error("  concat split=2:\n    branch: identity\n")
    assert "split=2 makes 2 chunks but `concat` has 1 branch(es)" in e.message and "branch: identity" in (e.hint or "")


def test_split_branches_read_their_own_chunk() -> None:
    net = archspec.loads("network t\ninput 3x8x8\nstem:\n  conv 6 k1\n  concat split=3:\n    branch: identity\n"
                         "    branch: identity\n    branch: conv 2 k1\n")
    slices = [(n.attrs.start, n.attrs.stop) for n in net.graph.nodes if n.op == "slice"]
    assert slices == [(0, 2), (2, 4), (4, 6)] and net.output == (6, 8, 8)
