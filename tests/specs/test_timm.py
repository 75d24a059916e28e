"""Zoo models checked against timm's implementation (a test dependency): parameters, fvcore's count
run on timm's own module, and the logits after a positional weight copy."""

from __future__ import annotations

import contextlib
import io
import warnings

import pytest
import torch

import archspec
from archspec.backends.torch import copy_by_position
from tests.conftest import zoo_params

timm = pytest.importorskip("timm")

MODELS = ["resnet50d", "repvgg_a0", "skresnet18", "resnest50d", "ghostnet_100", "res2net50_26w_4s"]


def _theirs(name: str) -> torch.nn.Module:
    torch.manual_seed(0)
    m = timm.create_model(name, pretrained=False).eval()
    g = torch.Generator().manual_seed(1)
    for mod in m.modules():  # statistics and affine terms away from 0/1, so every BN matters
        if isinstance(mod, torch.nn.BatchNorm2d):
            n = mod.num_features
            mod.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            mod.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            mod.weight.data.copy_(torch.rand(n, generator=g) * 0.2 + 0.2)  # small: summed branches stay O(1)
            mod.bias.data.copy_(torch.randn(n, generator=g) * 0.1)
    return m


def _conv_then_norm(sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """timm's Res2Net keeps a block's 3×3 convs in one ModuleList (`convs.i`) and their BNs in another
    (`bns.i`): the state_dict with each `convs.i` followed by its `bns.i`, the order archspec makes them."""
    out: dict[str, torch.Tensor] = {}
    for key in sd:
        if ".convs." not in key or key in out:
            if ".bns." not in key:
                out[key] = sd[key]
            continue
        head, tail = key.split(".convs.", 1)
        i = tail.split(".", 1)[0]
        out[key] = sd[key]
        out.update({k: v for k, v in sd.items() if k.startswith(f"{head}.bns.{i}.")})
    assert len(out) == len(sd)
    return out


@pytest.mark.parametrize("name", zoo_params(MODELS, ("resnet50d",)))
def test_params_and_logits_equal_timms(name: str) -> None:
    net = archspec.load(name)
    theirs = _theirs(name)
    assert net.params == sum(p.numel() for p in theirs.parameters())
    ours = net.to_torch().eval()
    copy_by_position(ours, _conv_then_norm(theirs.state_dict()))
    x = torch.randn(2, *net.input)
    with torch.no_grad():
        a, b = ours(x), theirs(x)
    assert torch.allclose(a, b, atol=1e-4, rtol=1e-4), (a - b).abs().max()


@pytest.mark.parametrize("name", zoo_params(MODELS, ("resnet50d",)))
def test_fvcore_counts_timms_module_as_we_do(name: str) -> None:
    fvcore = pytest.importorskip("fvcore.nn")
    net = archspec.load(name)
    theirs = _theirs(name)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        counter = fvcore.FlopCountAnalysis(theirs, torch.zeros(1, *net.input))
        counter.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        total = counter.total()
    assert net.count("fvcore") == total


RESNET18D = """network resnet18d
input 3x96x96
stem:
  conv 32 k3 s2
  conv 32 k3
  conv 64 k3
  maxpool k3 s2 p1
stages basic_d:
  64  x2 s1
  128 x2 s2
  256 x2 s2
  512 x2 s2
head:
  avgpool global
  flatten
  fc 1000
"""


def test_basic_d_is_timms_resnet18d() -> None:
    """The prelude's basic_d (ResNet-D shortcut) in a spec written here: timm's resnet18d, weight for weight."""
    net = archspec.loads(RESNET18D)
    theirs = _theirs("resnet18d")
    assert net.params == sum(p.numel() for p in theirs.parameters())
    ours = net.to_torch().eval()
    copy_by_position(ours, theirs.state_dict())
    x = torch.randn(2, *net.input)
    with torch.no_grad():
        assert torch.allclose(ours(x), theirs(x), atol=1e-4, rtol=1e-4)
