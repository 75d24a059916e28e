"""Rectangular pools, explicit asymmetric padding (`pad L R T B`) and TensorFlow's "same" (`conv … p=same`),
checked against timm's Conv2dSame (the padding timm's `tf_` models use)."""

from __future__ import annotations

import pytest
import torch

import archspec
from archspec.backends.torch import copy_by_position


@pytest.mark.parametrize(("size", "k", "s"), [(16, 3, 2), (15, 3, 2), (17, 5, 2), (16, 1, 2), (9, 3, 1), (16, 4, 4)])
def test_same_padding_equals_timms_conv2d_same(size: int, k: int, s: int) -> None:
    from timm.layers import Conv2dSame

    net = archspec.loads(f"network t\ninput 3x{size}x{size}\nstem:\n  conv 8 k{k} s{s} p=same bias norm=none act=none\n")
    ours = net.to_torch().eval()
    theirs = Conv2dSame(3, 8, k, stride=s, bias=True).eval()
    copy_by_position(ours, theirs.state_dict())
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        a, b = ours(x), theirs(x)
    assert a.shape == b.shape and tuple(a.shape[1:]) == net.output
    assert torch.allclose(a, b, atol=1e-6)


def test_asymmetric_padding_is_a_zero_pad() -> None:
    net = archspec.loads("network t\ninput 2x5x5\nstem:\n  pad 1 0 0 2\n")
    module = net.to_torch()
    x = torch.randn(1, 2, 5, 5)
    assert torch.equal(module(x), torch.nn.functional.pad(x, (1, 0, 0, 2)))
    assert net.output == (2, 7, 6) and net.params == 0


def test_rectangular_pools() -> None:
    net = archspec.loads("network t\ninput 2x8x9\nstem:\n  maxpool k3x1 s2x1\n  avgpool k1x3 s1 p0x1\n")
    module = net.to_torch()
    x = torch.randn(1, 2, 8, 9)
    want = torch.nn.functional.avg_pool2d(torch.nn.functional.max_pool2d(x, (3, 1), (2, 1)), (1, 3), 1, (0, 1))
    assert torch.equal(module(x), want) and tuple(want.shape[1:]) == net.output
    assert [n.defn.label(n.attrs) for n in net.graph.nodes] == ["maxpool 3×1, s2×1", "avgpool 1×3"]


@pytest.mark.parametrize(
    ("stmt", "message"),
    [
        ("pad 0 0 0 0", "`pad` needs a width for at least one side"),
        ("maxpool k3x1 p0x1", "pool padding 0×1 is more than half the kernel 3×1"),
        ("conv 8 k3 p=valid", "unknown padding `valid`"),
    ],
)
def test_padding_mistakes_are_located(stmt: str, message: str) -> None:
    with pytest.raises(archspec.SpecError) as exc:
        archspec.loads(f"network t\ninput 3x8x8\nstem:\n  {stmt}\n")
    assert message in exc.value.message and exc.value.line == 4
