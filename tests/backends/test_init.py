"""The compiled module's fresh weights: PyTorch's default distributions, fixed by the seed alone."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import archspec
from archspec.backends import init

SPEC = """network small
input 3x32x32
stem:
  conv 16 k3 norm=none act=none
  norm
  act relu
stage body:
  conv 600 k3 s2
  conv 16 k1 g4
head:
  avgpool global
  flatten
  fc 1000
"""


def test_same_distributions_as_pytorch_defaults() -> None:
    """Each conv / linear weight and bias is U(-b, b) with PyTorch's bound; norms start at 1, 0 and reset stats."""
    torch.manual_seed(0)
    model = archspec.loads(SPEC).to_torch()
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert len(layers) == 4
    for m in layers:
        fan_in = m.weight[0].numel()
        bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=√5): √3 · √(1/3) / √fan_in
        for t, b in [(m.weight, bound)] + ([(m.bias, bound)] if m.bias is not None else []):
            t = t.detach()
            assert float(t.abs().max()) <= b * (1 + 1e-6)
            if t.numel() >= 50_000:  # moments of U(-b, b): mean 0, variance b²/3
                assert abs(float(t.mean())) < 0.01 * b
                assert float(t.var()) * 3 / b**2 == pytest.approx(1.0, abs=0.02)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            assert torch.equal(m.weight, torch.ones_like(m.weight)) and torch.equal(m.bias, torch.zeros_like(m.bias))
            assert torch.equal(m.running_mean, torch.zeros_like(m.running_mean))
            assert torch.equal(m.running_var, torch.ones_like(m.running_var))
            assert int(m.num_batches_tracked) == 0


def test_seed_fixes_weights_whatever_the_threads() -> None:
    net = archspec.loads(SPEC)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        torch.manual_seed(0)
        a = net.to_torch().state_dict()
        torch.set_num_threads(3)
        torch.manual_seed(0)
        b = net.to_torch().state_dict()
    finally:
        torch.set_num_threads(threads)
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_big_tensors_are_cut_into_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tensor longer than a task draws from several generators; small ones share one."""
    monkeypatch.setattr(init, "PIECE", 1000)
    tasks = init._tasks([(torch.empty(2500), 1.0), (torch.empty(10), 1.0), (torch.empty(10), 1.0)])
    assert [sum(v.numel() for v, _ in t) for t in tasks] == [1000, 1000, 520]


def test_layer_without_reset_is_refused() -> None:
    class Odd(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("state", torch.empty(3))

    with torch.device("meta"):
        m = nn.Sequential(Odd())
    with pytest.raises(TypeError, match="Odd"):
        init.materialize(m, torch.device("cpu"))
