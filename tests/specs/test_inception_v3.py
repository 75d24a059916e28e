"""Inception v3 (Szegedy et al., 2016): factorised 1×7 / 7×1 and 1×3 / 3×1 convs, exact against torchvision."""

from __future__ import annotations

import pytest

import archspec
from tests.specs._torchvision import assert_counts_equal_reference, assert_same_state_layout


def test_counts_equal_the_reference(reference: dict) -> None:
    assert_counts_equal_reference("inception_v3", reference)


@pytest.mark.slow
def test_layout_equals_torchvision() -> None:
    assert_same_state_layout("inception_v3")


def test_rectangular_kernels_are_factorised_convs() -> None:
    """A 1×7 then a 7×1 conv: the same field as a 7×7 with 2·7 instead of 49 weights per channel pair."""
    net = archspec.loads("network t\ninput 8x17x17\nstem:\n  conv 8 k1x7 norm=none act=none\n  conv 8 k7x1 norm=none act=none\n")
    first, second = net.graph.nodes
    assert (first.attrs.k, first.attrs.p, second.attrs.k, second.attrs.p) == ((1, 7), (0, 3), (7, 1), (3, 0))
    assert net.params == 2 * (8 * 8 * 7 + 8) and net.output == (8, 17, 17)
    assert [n.defn.label(n.attrs) for n in net.graph.nodes] == ["conv 1×7, 8", "conv 7×1, 8"]
    module = net.to_torch()
    assert module.stem.conv1.kernel_size == (1, 7) and module.stem.conv1.padding == (0, 3)


@pytest.mark.parametrize(
    ("stmt", "message"),
    [
        ("conv 8 k=[1, 7, 3]", "a kernel size is one number or a height×width pair, got 3 numbers"),
        ("conv 8 k1x0", "kernel size must be at least 1, got 0"),
        ("conv 8 k1x99 p0", "a 1×99 conv with stride 1 leaves a map smaller than 1×1"),
    ],
)
def test_kernel_mistakes_are_located(stmt: str, message: str) -> None:
    with pytest.raises(archspec.SpecError) as exc:
        archspec.loads(f"network t\ninput 8x17x17\nstem:\n  {stmt}\n")
    assert message in exc.value.message and exc.value.line == 4
