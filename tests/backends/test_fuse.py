"""The inference pass: BatchNorm folded into the conv (or linear) before it, identities dropped."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import archspec
from archspec.backends.fuse import fuse
from archspec.backends.torch import StochasticDepth
from tests.backends.conftest import randomize_norms, small, zoo_names
from tests.conftest import spec


def _compare(net: archspec.Network, batch: int = 1) -> tuple[nn.Module, nn.Module]:
    torch.manual_seed(0)
    m = net.to_torch()
    randomize_norms(m)
    fused = net.to_torch(weights=m.state_dict(), fuse=True)
    m.eval()
    x = torch.randn(batch, *net.input)
    with torch.no_grad():
        a, b = m(x), fused(x)
    rel = ((a - b).abs().max() / a.abs().max().clamp_min(1e-12)).item()
    assert rel < 1e-4, rel
    assert not fused.training
    foldable = _count(m, nn.BatchNorm1d, nn.BatchNorm2d, nn.Dropout, StochasticDepth)
    assert len(list(fused.modules())) < len(list(m.modules())) if foldable else len(list(fused.modules())) == len(list(m.modules()))
    return m, fused


def _count(m: nn.Module, *types: type) -> int:
    return sum(isinstance(x, types) for x in m.modules())


def test_resnet18_has_no_batchnorm_left() -> None:
    m, fused = _compare(small("resnet18"), batch=2)
    assert _count(m, nn.BatchNorm2d) == 20 and _count(fused, nn.BatchNorm2d) == 0
    assert all(c.bias is not None for c in fused.modules() if isinstance(c, nn.Conv2d))


def test_linear_norm_folds_and_identities_go() -> None:
    net = archspec.loads(spec("stem:\n  residual drop_path=0.2:\n    conv 3 k3\n  dropout 0.1\n  flatten\n  fc 8\n  norm\n  fc 4\n"))
    m, fused = _compare(net, batch=3)
    assert _count(fused, nn.BatchNorm1d, nn.BatchNorm2d, nn.Dropout, StochasticDepth) == 0
    assert _count(m, nn.BatchNorm1d) == 1


def test_preactivation_norms_stay() -> None:
    """A BatchNorm that reads an add or the input has no conv before it to fold into."""
    net = archspec.loads(spec("stages preact_basic:\n  8 x2 s1\nhead:\n  avgpool global\n  fc 10\n"))
    _, fused = _compare(net)
    assert _count(fused, nn.BatchNorm2d) > 0


def test_fuse_leaves_the_original_alone() -> None:
    m = archspec.load("lenet5").to_torch()
    before = len(list(m.modules()))
    fuse(m)
    assert len(list(m.modules())) == before and m.training


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_zoo_fused_matches(name: str) -> None:
    _compare(small(name))


REPVGG = spec("stem:\n  repvgg 16 s2\n  repvgg 16\n  repvgg 16 groups=4\n  sum:\n    branch: conv 16 k3 act=none\n"
              "    branch: conv 16 k1 act=none\n    branch: identity\n", input="8x16x16")


def test_repvgg_blocks_fold_to_one_conv_each() -> None:
    """RepVGG's deploy form: the 3×3, 1×1 and identity-BN branches become one 3×3 conv with bias."""
    m, fused = _compare(archspec.loads(REPVGG), batch=2)
    convs = [c for c in fused.modules() if isinstance(c, nn.Conv2d)]
    assert _count(m, nn.Conv2d) == 8 and len(convs) == 4
    assert all(c.kernel_size == (3, 3) and c.bias is not None for c in convs)
    assert _count(fused, nn.BatchNorm2d) == 0
    assert [c.groups for c in convs] == [1, 1, 4, 1]


def test_repvgg_a0_folds_with_equal_outputs() -> None:
    m, fused = _compare(small("repvgg_a0"), batch=2)
    assert _count(fused, nn.Conv2d) == 22 and _count(m, nn.Conv2d) == 44
    assert len(list(fused.modules())) < len(list(m.modules())) / 2


def test_branches_that_cannot_fold_stay() -> None:
    """A branch with a nonlinearity, or a dilated conv, keeps the branches apart (and the outputs equal)."""
    net = archspec.loads(spec("stem:\n  sum:\n    branch: conv 8 k3\n    branch: conv 8 k1 act=none\n"
                              "  sum:\n    branch: conv 8 k3 d2 act=none\n    branch: identity\n", input="8x8x8"))
    m, fused = _compare(net)
    assert _count(fused, nn.Conv2d) == _count(m, nn.Conv2d) == 3
