"""The torch backend: compiled modules equal torchvision's, layer for layer and logit for logit."""

from __future__ import annotations

import pytest
import torch
import torchvision
from torch import nn

import archspec
from archspec.backends.torch import copy_by_position, resolve_device
from tests.conftest import spec

RESNETS = ["resnet18", "resnet34", "resnet50", "resnext50_32x4d", "wide_resnet50_2", "resnet101", "resnet152",
           "resnext101_32x8d", "resnext101_64x4d", "wide_resnet101_2"]
SLOW = {"resnet101", "resnet152", "wide_resnet50_2", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet101_2"}


def _compare(name: str, size: int = 64) -> None:
    torch.manual_seed(0)
    ours = archspec.load(name).to_torch().eval()
    theirs = getattr(torchvision.models, name)(weights=None).eval()
    # Non-trivial BatchNorm statistics, so a misplaced norm cannot hide behind mean 0 / var 1.
    with torch.no_grad():
        for m in theirs.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
    copy_by_position(ours, theirs.state_dict())
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        a, b = ours(x), theirs(x)
    assert a.shape == b.shape
    rel = ((a - b).abs().max() / b.abs().max()).item()
    assert rel < 1e-4, f"{name}: max relative error {rel:.2e}"


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in RESNETS])
def test_resnet_family_equals_torchvision(name: str) -> None:
    _compare(name)


@pytest.mark.parametrize("name", RESNETS)
def test_parameter_shapes_in_torchvision_order(name: str, reference: dict) -> None:
    """Same parameters, same shapes, same order; and the count is the reference's."""
    net = archspec.load(name)
    with torch.device("meta"):
        ours = net.to_torch()
        theirs = getattr(torchvision.models, name)(weights=None)
    a = [tuple(t.shape) for t in ours.state_dict().values()]
    b = [tuple(t.shape) for t in theirs.state_dict().values()]
    assert a == b
    assert sum(p.numel() for p in ours.parameters()) == reference[name]["params"] == net.params


def test_shortcut_registered_after_main_path() -> None:
    keys = [k for k in archspec.load("resnet18").to_torch().state_dict() if k.startswith("stage2.0.")]
    assert keys[0].startswith("stage2.0.conv1") and keys[-1].startswith("stage2.0.shortcut.norm1")


def test_runs_on_the_best_device() -> None:
    device = resolve_device("auto")
    m = archspec.load("resnet18").to_torch(device=device).eval()
    with torch.no_grad():
        y = m(torch.randn(1, 3, 64, 64, device=device))
    assert y.device.type == device.type and y.shape == (1, 1000)


COMBINATOR_SPEC = spec(
    """stem:
  conv 16 k3
  residual shortcut=zeropad:
    conv 32 k3 s2
  residual shortcut=when_same:
    conv 32 k3
  scale:
    avgpool global
    conv 8 k1 bias norm=none
    conv 32 k1 bias norm=none act=sigmoid
  concat:
    branch: conv 8 k1
    branch: maxpool k3 s1 p1; conv 8 k1
  sum act=relu:
    branch: conv 16 k3 act=none
    branch: conv 16 k1 act=none
    branch: norm bn
  select split=2:
    branch: conv 16 k3
    branch: conv 16 k3 d2
    attention:
      mean keep
      conv 8 k1
      conv 32 k1 norm=none act=none bias=false
  cascade split=4:
    branch: conv 4 k3
    branch: conv 4 k3
    branch: conv 4 k3
  residual:
    conv 16 k3 s2
    shortcut:
      avgpool 2 s2
      conv 16 k1 act=none
  dense 2:
    conv 4 k3
  repeat 2:
    conv 20 k3 act=silu
head:
  avgpool global
  dropout 0.1
  fc 10
"""
)


def test_every_combinator_runs_with_the_analysed_shapes() -> None:
    net = archspec.loads(COMBINATOR_SPEC)
    m = net.to_torch().eval()
    outs: dict[str, tuple[int, ...]] = {}
    for name, mod in m.named_modules():
        if not list(mod.children()) and name:
            mod.register_forward_hook(lambda mod, i, o, name=name: outs.__setitem__(name, tuple(o.shape[1:])))
    with torch.no_grad():
        y = m(torch.randn(2, 3, 32, 32))
    assert tuple(y.shape) == (2, *net.output)
    by_path = {layer.path: layer.out for layer in net.layers}
    assert outs and all(by_path[k] == v for k, v in outs.items())
    assert sum(p.numel() for p in m.parameters()) == net.params


def test_zeropad_shortcut_is_the_papers_option_a() -> None:
    net = archspec.loads(spec("stem:\n  residual shortcut=zeropad:\n    conv 8 k3 s2 norm=none act=none\n", input="4x8x8"))
    m = net.to_torch().eval()
    conv = next(x for x in m.modules() if isinstance(x, nn.Conv2d))
    x = torch.randn(1, 4, 8, 8)
    expected = conv(x)
    expected[:, :4] += x[:, :, ::2, ::2]
    with torch.no_grad():
        assert torch.allclose(m(x), expected, atol=1e-6)


def test_copy_by_position_names_the_mismatch() -> None:
    m = archspec.load("resnet18").to_torch()
    sd = torchvision.models.resnet34(weights=None).state_dict()
    with pytest.raises(ValueError, match="entries"):
        copy_by_position(m, sd)
    sd18 = dict(torchvision.models.resnet18(weights=None).state_dict())
    first = next(iter(sd18))
    sd18[first] = torch.zeros(1)
    with pytest.raises(ValueError, match=r"stem.conv1.weight \(64, 3, 7, 7\) vs conv1.weight \(1,\)"):
        copy_by_position(m, sd18)


def test_fvcore_counts_the_compiled_module_as_the_analysis_does(reference: dict) -> None:
    from fvcore.nn import FlopCountAnalysis

    net = archspec.load("resnet18")
    m = net.to_torch().eval()
    counter = FlopCountAnalysis(m, torch.randn(1, *net.input))
    counter.unsupported_ops_warnings(False)
    counter.uncalled_modules_warnings(False)
    assert counter.total() == net.fvcore == reference["resnet18"]["fvcore_flops"]
