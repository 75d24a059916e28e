"""``archspec weights import``: a foreign state_dict saved under archspec's names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

import archspec
from archspec.cli import main


def test_import_from_torchvision(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "r18.pt"
    assert main(["weights", "import", "resnet18", "--from", "torchvision:resnet18", "-o", str(out), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["mapping"]["stem.conv1.weight"] == "conv1.weight" and d["tensors"] == len(d["mapping"])
    saved = torch.load(out, weights_only=True)
    assert next(iter(saved)) == "stem.conv1.weight"
    archspec.load("resnet18").to_torch(weights=out)  # loads back by position (and by name)


def test_mismatch_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["weights", "import", "resnet18", "--from", "torchvision:resnet34", "-o", str(tmp_path / "x.pt")])
    err = capsys.readouterr().err
    assert code == 2 and "stage2.0.conv1.weight (128, 64, 3, 3) vs layer1.2.conv1.weight (64, 64, 3, 3)" in err
    assert not (tmp_path / "x.pt").exists()
