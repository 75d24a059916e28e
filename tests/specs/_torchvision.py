"""Compare a compiled zoo model with torchvision's builder of the same name (weights=None)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch
import torchvision
from torch import nn

import archspec
from archspec.backends.torch import copy_by_position


def torchvision_model(name: str, **kwargs: Any) -> nn.Module:
    """torchvision's model, untrained; GoogLeNet without aux heads and without its slow init."""
    if name in ("googlenet", "inception_v3"):
        kwargs = {"aux_logits": False, "init_weights": False, **kwargs}
    if name.startswith("regnet"):
        # RegNet computes its stage widths with tensors (.tolist()): on the CPU even under a meta device.
        from torchvision.models import regnet

        with _cpu_block_params(regnet.BlockParams):
            return getattr(torchvision.models, name)(weights=None, **kwargs)
    return getattr(torchvision.models, name)(weights=None, **kwargs)


@contextlib.contextmanager
def _cpu_block_params(cls: Any) -> Iterator[None]:
    original = cls.__dict__["from_init_params"]

    def on_cpu(klass: Any, *args: Any, **kw: Any) -> Any:
        with torch.device("cpu"):
            return original.__func__(klass, *args, **kw)

    cls.from_init_params = classmethod(on_cpu)
    try:
        yield
    finally:
        cls.from_init_params = original


def random_model(name: str, seed: int = 0) -> nn.Module:
    """torchvision's model with random weights, made quickly: built on the meta device, then each tensor
    drawn once (convs and linears uniform with variance 1/fan_in, biases small, BatchNorm weights and running statistics
    random, LayerNorm/GroupNorm affine near 1 and 0, any other parameter, such as layer scale, near 1).
    Initialising RegNet-Y 128GF as its builder does takes longer than the whole comparison."""
    with torch.device("meta"):
        model = torchvision_model(name)
    model = model.to_empty(device="cpu")
    g = torch.Generator().manual_seed(seed)
    done: set[int] = set()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.modules.conv._ConvNd, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.uniform_(-(3 / fan_in) ** 0.5, (3 / fan_in) ** 0.5, generator=g)
                if m.bias is not None:
                    m.bias.uniform_(-fan_in**-0.5, fan_in**-0.5, generator=g)
            elif isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1, generator=g)
                m.running_var.uniform_(0.2, 1.2, generator=g)  # small enough that eps 1e-3 against 1e-5 shows
                m.num_batches_tracked.zero_()
            elif not isinstance(m, (nn.LayerNorm, nn.GroupNorm)):
                continue
            done.update(id(t) for t in m.parameters(recurse=False))
            done.update(id(t) for t in m.buffers(recurse=False))
            if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm, nn.GroupNorm)) and m.weight is not None:
                m.weight.uniform_(0.4, 1.0, generator=g)
                m.bias.uniform_(-0.1, 0.1, generator=g)
        for t in [*model.parameters(), *model.buffers()]:
            if id(t) not in done:
                t.uniform_(0.5, 1.5, generator=g) if t.is_floating_point() else t.zero_()
    return model


def assert_same_logits(name: str, size: int | None = None, batch: int = 2) -> None:
    """Map torchvision's weights onto ours by position (``copy_by_position``, as ``archspec weights
    import`` does); eval-mode logits agree to 1e-4 relative. Ours is made on the meta device and takes
    their tensors, so no model is initialised twice."""
    net = archspec.load(name)
    theirs = random_model(name).eval()
    with torch.device("meta"):
        ours = net.to_torch()
    copy_by_position(ours, theirs.state_dict(), assign=True)
    ours.eval()
    torch.manual_seed(0)
    c, h, w = net.input
    x = torch.randn(batch, c, size or h, size or w)
    with torch.no_grad():
        a, b = ours(x), theirs(x)
    assert a.shape == b.shape == (batch, *net.output)
    rel = ((a - b).abs().max() / b.abs().max()).item()
    assert rel < 1e-4, f"{name}: max relative error {rel:.2e}"


def assert_same_state_layout(name: str) -> None:
    """Same parameters and buffers, same shapes, same order (built on the meta device: no memory)."""
    net = archspec.load(name)
    with torch.device("meta"):
        ours = net.to_torch()
        theirs = torchvision_model(name)
    assert [tuple(t.shape) for t in ours.state_dict().values()] == [tuple(t.shape) for t in theirs.state_dict().values()]
    assert net.params == sum(p.numel() for p in theirs.parameters())
    norms = [(m.eps, m.momentum) for m in theirs.modules() if isinstance(m, nn.BatchNorm2d)]
    assert [(m.eps, m.momentum) for m in ours.modules() if isinstance(m, nn.BatchNorm2d)] == norms
    layer_norms = [(m.eps, tuple(m.normalized_shape)) for m in theirs.modules() if isinstance(m, nn.LayerNorm)]
    assert [(m.eps, tuple(m.normalized_shape)) for m in ours.modules() if isinstance(m, nn.LayerNorm)] == layer_norms


def assert_counts_equal_reference(name: str, reference: dict) -> None:
    """Input size, params, conv+linear MACs, fvcore's total and its per-operator table equal torchvision.json."""
    ref = reference[name]
    net = archspec.load(name)
    assert [list(net.input), net.params, net.macs, net.fvcore] == [ref["input"], ref["params"], ref["macs"], ref["fvcore_flops"]]
    assert net.tally.by_operator("fvcore") == ref["fvcore_by_operator"]
