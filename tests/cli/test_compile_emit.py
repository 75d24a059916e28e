"""``archspec compile --emit``: the portable outputs written beside the JSON."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import torch

import archspec
from archspec.cli import main


def test_emit_everything(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["compile", "lenet5", "--device", "cpu", "-o", str(tmp_path), "--emit", "py,onnx,json,torchscript,export"])
    assert code == 0, capsys.readouterr().err
    d = tmp_path / "lenet5"
    names = {p.name for p in d.iterdir()}
    assert {"spec.json", "graph.json", "analysis.json", "lenet5.py", "lenet5.onnx", "lenet5.torchscript.pt", "lenet5.pt2"} <= names
    assert archspec.load(d / "spec.json").params == archspec.load("lenet5").params
    program = torch.export.load(io.BytesIO((d / "lenet5.pt2").read_bytes()))
    assert program.module()(torch.randn(2, 1, 32, 32)).shape == (2, 10)


def test_default_emit_is_unchanged(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["compile", "lenet5", "--device", "cpu", "-o", str(tmp_path)]) == 0
    names = {p.name for p in (tmp_path / "lenet5").iterdir()}
    assert {"spec.json", "graph.json", "analysis.json"} <= names and not any(n.endswith((".py", ".onnx", ".pt2")) for n in names)


@pytest.mark.filterwarnings("ignore::FutureWarning")  # torch.jit.load is deprecated upstream
def test_weights_and_fuse(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    net = archspec.load("resnet18")
    torch.save(net.to_torch().state_dict(), tmp_path / "w.pt")
    code = main(["compile", "resnet18", "--device", "cpu", "-o", str(tmp_path), "--emit", "torchscript",
                 "--weights", str(tmp_path / "w.pt"), "--fuse", "--set", "resolution=64"])
    assert code == 0
    scripted = torch.jit.load(str(tmp_path / "resnet18" / "resnet18.torchscript.pt"))
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in scripted.modules())


def test_bad_emit_and_bad_weights_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["compile", "lenet5", "--emit", "pyy", "-o", str(tmp_path)]) == 2
    assert "did you mean `py`?" in capsys.readouterr().err
    assert main(["compile", "lenet5", "--device", "cpu", "--weights", "torchvision:resnet18", "-o", str(tmp_path)]) == 2
    assert "shape mismatch" in capsys.readouterr().err
