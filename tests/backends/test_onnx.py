"""ONNX export: a model onnx.checker accepts and onnxruntime runs to the compiled module's outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from archspec.backends.export import exported
from archspec.backends.onnx import INPUT, OUTPUT, export, run
from tests.backends.conftest import randomize_norms, slim, small, zoo_names


def _check(name: str, dynamic_batch: bool, batches: tuple[int, ...] = (1,)) -> bytes:
    net = small(name)
    torch.manual_seed(0)
    m = net.to_torch().eval()
    randomize_norms(m)
    data = export(net, module=m, dynamic_batch=dynamic_batch)
    for b in batches:
        x = torch.randn(b, *net.input)
        with torch.no_grad():
            ref = m(x).numpy()
        got = run(data, x)
        assert got.shape == ref.shape
        assert np.allclose(got, ref, rtol=1e-4, atol=1e-5), np.abs(got - ref).max()
    return data


@pytest.mark.slow  # ~8 s of export: the quick loop has lenet5 below
def test_resnet18_runs_in_onnxruntime_with_any_batch(tmp_path: Path) -> None:
    data = _check("resnet18", dynamic_batch=True, batches=(1, 3))
    model = onnx.load_from_string(data)
    onnx.checker.check_model(model, full_check=True)
    assert [i.name for i in model.graph.input] == [INPUT] and [o.name for o in model.graph.output] == [OUTPUT]
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param  # the batch is symbolic


def test_to_onnx_writes_the_file(tmp_path: Path) -> None:
    net = small("lenet5")
    path = tmp_path / "lenet5.onnx"
    data = net.to_onnx(path, dynamic_batch=False)
    assert path.read_bytes() == data
    assert run(path, torch.randn(1, *net.input)).shape == (1, *net.output)


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_zoo_onnx_matches(name: str) -> None:
    """Through torch.export, as the exporter goes: the program and the ONNX model both match; on models that
    between them use every op configuration of the zoo (``zoo_names``), each at a quarter of its width where
    that keeps every configuration (``slim``)."""
    net = slim(name)
    torch.manual_seed(0)
    m = net.to_torch().eval()
    randomize_norms(m)
    program = exported(net, m, dynamic_batch=False)
    x = torch.randn(1, *net.input)
    with torch.no_grad():
        ref = m(x)
        assert torch.allclose(program.module()(x), ref, rtol=1e-5, atol=1e-6)
    got = run(export(net, program=program), x)
    assert np.allclose(got, ref.numpy(), rtol=1e-4, atol=1e-5), np.abs(got - ref.numpy()).max()
