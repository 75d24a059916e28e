"""The Python API: load by path, path:variant, zoo name or text; no torch on the analysis path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import archspec
from archspec import zoo

ROOT = Path(__file__).resolve().parent.parent


def test_import_and_analysis_do_not_import_torch() -> None:
    code = (
        "import sys, archspec\n"
        "net = archspec.load('resnet50')\n"
        "assert net.params == 25557032, net.params\n"
        "net.to_dict(); archspec.load('specs/resnet18.arch').stages\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_load_forms_agree() -> None:
    by_path = archspec.load(ROOT / "specs" / "resnet50.arch")
    by_name = archspec.load("resnet50")
    by_text = archspec.load((ROOT / "specs" / "resnet50.arch").read_text())
    assert by_path.params == by_name.params == by_text.params
    assert by_path.macs == by_name.macs == by_text.macs


def test_path_colon_variant(tmp_path: Path) -> None:
    p = tmp_path / "fam.arch"
    p.write_text("network fam\ninput 3x32x32\nvariants:\n  a: width=1\n  b: width=2\nstem:\n  conv 8 k3\n")
    assert archspec.load(f"{p}:b").variant == "b"
    assert archspec.load(p).variant == "a"
    assert archspec.load(f"{p}:b").params > archspec.load(p).params


def test_unknown_spec_suggests_a_zoo_name() -> None:
    with pytest.raises(archspec.SpecError, match="no spec file or zoo model named `resnet5`") as info:
        archspec.load("resnet5")
    assert "resnet50" in (info.value.hint or "")


def test_zoo_names_follow_torchvision_builders() -> None:
    names = [e.name for e in zoo.entries()]
    for n in ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "wide_resnet50_2", "resnet50_paper"]:
        assert n in names
    assert len(names) == len(set(names))
    assert zoo.zoo_name("efficientnet", "b3") == "efficientnet_b3" and zoo.zoo_name("vgg", "16") == "vgg16"


def test_network_summary_object() -> None:
    net = archspec.load("resnet50")
    assert net.input == (3, 224, 224) and net.output == (1000,)
    assert "25,557,032 params" in repr(net)
    d = net.to_dict()
    for key in ("name", "input", "output", "params", "macs", "flops", "layers", "stages"):
        assert key in d
    layer = d["layers"][0]
    assert {"path", "op", "out", "params", "macs"} <= set(layer)
