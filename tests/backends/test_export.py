"""TorchScript and torch.export: the compiled module for runtimes without archspec."""

from __future__ import annotations

import io

import pytest
import torch

from archspec.backends.export import exported_bytes, torchscript, torchscript_bytes
from tests.backends.conftest import randomize_norms, small, zoo_names


def _module(name: str) -> tuple[object, torch.nn.Module]:
    net = small(name)
    torch.manual_seed(0)
    m = net.to_torch().eval()
    randomize_norms(m)
    return net, m


@pytest.mark.filterwarnings("ignore::FutureWarning")  # torch.jit.load is deprecated upstream
def test_torchscript_bytes_load_back() -> None:
    net, m = _module("resnet18")
    data = torchscript_bytes(net, m)
    loaded = torch.jit.load(io.BytesIO(data))
    x = torch.randn(2, *net.input)
    with torch.no_grad():
        assert torch.allclose(loaded(x), m(x), atol=1e-6)


@pytest.mark.slow  # ~5 s of torch.export: the quick loop has test_network_methods
def test_exported_program_has_a_dynamic_batch() -> None:
    net, m = _module("resnet18")
    program = torch.export.load(io.BytesIO(exported_bytes(net, m)))
    for batch in (1, 3):
        x = torch.randn(batch, *net.input)
        with torch.no_grad():
            assert torch.allclose(program.module()(x), m(x), atol=1e-5)


def test_network_methods() -> None:
    net = small("lenet5")
    x = torch.randn(1, *net.input)
    assert net.to_torchscript()(x).shape == net.to_exported().module()(x).shape == (1, *net.output)


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_zoo_torchscript_matches(name: str) -> None:
    """Every op configuration of the zoo (``zoo_names``); torch.export's programs are checked in test_onnx,
    which exports through it."""
    net, m = _module(name)
    x = torch.randn(1, *net.input)
    with torch.no_grad():
        assert torch.allclose(torchscript(net, m)(x), m(x), rtol=1e-5, atol=1e-6)
