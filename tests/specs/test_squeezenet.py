"""SqueezeNet 1.0 and 1.1 (Iandola et al., 2016): fire modules with max-pools written in the stage table."""

from __future__ import annotations

import pytest

import archspec
from tests.specs._torchvision import assert_counts_equal_reference, assert_same_state_layout

NAMES = ["squeezenet1_0", "squeezenet1_1"]


@pytest.mark.parametrize("name", NAMES)
def test_counts_equal_the_reference(name: str, reference: dict) -> None:
    assert_counts_equal_reference(name, reference)


@pytest.mark.parametrize("name", NAMES)
def test_layout_equals_torchvision(name: str) -> None:
    assert_same_state_layout(name)


def test_pool_rows_are_stages_of_their_own() -> None:
    net = archspec.load("squeezenet1_1")
    assert [s.name for s in net.stages] == ["stem", "stage1", "stage2", "maxpool1", "stage3", "stage4", "maxpool2",
                                            "stage5", "stage6", "stage7", "stage8", "head"]
    pool = next(s for s in net.stages if s.name == "maxpool1")
    assert pool.out == (128, 27, 27) and pool.params == 0
    again = archspec.loads(net.expand())
    assert [(n.name, n.op, n.out) for n in again.graph.nodes] == [(n.name, n.op, n.out) for n in net.graph.nodes]


def test_op_rows_do_not_count_as_blocks() -> None:
    """`block_index` / `num_blocks` count the block rows only."""
    text = ("network t\ninput 8x16x16\nstages mbconv(drop=block_index / num_blocks, e=1):\n  c8 x2\n  maxpool k2\n"
            "  c8 x2\n")
    drops = [n.attrs.p for n in archspec.loads(text).graph.nodes if n.op == "droppath"]
    assert drops == [0.25, 0.5, 0.75]  # blocks 1-3 of 4 (block 0 has rate 0: no drop-path layer)
