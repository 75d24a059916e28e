"""The standalone PyTorch source: readable classes, the compiled module's state_dict keys and outputs."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

import archspec
from archspec.backends.naming import class_name
from tests.backends.conftest import randomize_norms, small, zoo_names
from tests.backends.test_torch import COMBINATOR_SPEC
from tests.conftest import spec

RUFF = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")


def _import(source: str, path: Path) -> nn.Module:
    """Write the source, import it as a module of its own, and build its model class (the last class)."""
    path.write_text(source)
    module_spec = importlib.util.spec_from_file_location(path.stem, path)
    assert module_spec is not None and module_spec.loader is not None
    mod = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(mod)
    model = re.findall(r"^class (\w+)\(nn\.Module\)", source, re.M)[-1]
    return getattr(mod, model)()


def _check_same(net: archspec.Network, tmp_path: Path, batch: int = 1) -> str:
    source = net.to_python()
    theirs = _import(source, tmp_path / f"gen_{net.name}.py")
    torch.manual_seed(0)
    ours = net.to_torch()
    randomize_norms(ours)
    assert list(theirs.state_dict()) == list(ours.state_dict())
    theirs.load_state_dict(ours.state_dict())
    leaves = {k: repr(m) for k, m in ours.named_modules() if not list(m.children())}
    assert {k: repr(m) for k, m in theirs.named_modules() if not list(m.children())} == leaves
    ours.eval()
    theirs.eval()
    x = torch.randn(batch, *net.input)
    with torch.no_grad():
        a, b = ours(x), theirs(x)
    assert torch.allclose(a, b, rtol=1e-5, atol=1e-6), (a - b).abs().max()
    return source


def test_resnet50_reads_like_torchvision(tmp_path: Path) -> None:
    net = archspec.load("resnet50")
    source = net.to_python()
    assert "class Bottleneck(nn.Module)" in source and "class ResNet50(nn.Module)" in source
    assert source.count("class ") == 2  # one class for every bottleneck, with or without a projection
    assert "def __init__(self, in_c: int, c: int, s: int, out_c: int) -> None:" in source
    assert "Bottleneck(in_c=64, c=64, s=1, out_c=256)" in source and "Bottleneck(in_c=256, c=64, s=1, out_c=256)" in source
    assert "])) if in_c != out_c else None" in source and "if self.shortcut is not None:" in source
    assert "archspec" not in "\n".join(line for line in source.splitlines() if line.startswith(("import", "from")))
    assert f"{net.params:,} parameters" in source and "specs/resnet50.arch" in source and "ResNet-50" in source


def test_zeropad_blocks_are_one_class_whatever_their_widths(tmp_path: Path) -> None:
    """ResNet-20's option A shortcuts at 16→32 and 32→64 channels: one `Basic`, its pad an argument."""
    net = archspec.loads(spec("stem:\n  conv 16 k3\nstages basic(shortcut=zeropad):\n  16 x3 s1\n  32 x3 s2\n  64 x3 s2\n"
                              "head:\n  avgpool global\n  flatten\n  fc 10\n", name="resnet20"))
    source = _check_same(net, tmp_path, batch=2)
    assert re.findall(r"^class (\w+)", source, re.M) == ["Basic", "ResNet20"]
    assert "Basic(in_c=16, c=32, s=2)" in source and "Basic(in_c=32, c=64, s=2)" in source


def test_structures_of_one_block_are_one_class(tmp_path: Path) -> None:
    """MobileNet v2's inverted residuals with and without the expansion conv and the skip: one class,
    its parts built under conditions on the block's own arguments."""
    source = _check_same(small("mobilenet_v2"), tmp_path)
    assert re.findall(r"^class (\w+)", source, re.M) == ["InvertedResidual", "MobileNetV2"]
    assert "InvertedResidual(in_c=32, hidden=32, t=1, c=16, s=1)" in source
    assert "self.conv3 = nn.Conv2d(hidden, c, 1, bias=False) if t != 1 else None" in source


def test_resnet18_matches_the_compiled_module(tmp_path: Path) -> None:
    _check_same(small("resnet18"), tmp_path, batch=2)


@pytest.mark.parametrize("text", [
    COMBINATOR_SPEC,
    spec("stages preact_bottleneck:\n  16 x2 s1\n  32 x2 s2\nhead:\n  avgpool global\n  fc 10\n"),
    spec("stem:\n  residual drop_path=0.1 act=relu:\n    conv 3 k3\n  flatten\n  fc 8\n  norm\n  dropout 0.5\n  fc 4\n"),
], ids=["combinators", "preact", "droppath-norm1d"])
def test_every_combinator(text: str, tmp_path: Path) -> None:
    _check_same(archspec.loads(text), tmp_path, batch=2)


RESERVED_NAMES = """network None
input 3x16x16
stage forward:
  conv 8 k3
stage eval:
  conv 8 k3
stage class:
  residual:
    conv 8 k3
stage None:
  concat:
    branch:
      conv 4 k1
    branch:
      conv 4 k1
stage True:
  conv 8 k1
"""


def test_names_python_or_torch_reserve(tmp_path: Path) -> None:
    """Stages named like keywords or module attributes: the same renamed keys in both backends."""
    net = archspec.loads(RESERVED_NAMES)
    source = _check_same(net, tmp_path, batch=2)
    keys = {k.split(".")[0] for k in net.to_torch().state_dict()}
    assert keys == {"forward_", "eval_", "class_", "None_", "True_"}
    assert "class None(" not in source and "class True(" not in source


def test_runs_without_archspec(tmp_path: Path) -> None:
    """The file needs only torch: run it in a fresh interpreter that cannot import archspec."""
    path = tmp_path / "model.py"
    path.write_text(archspec.load("resnet18").to_python())
    code = (
        "import sys; sys.modules['archspec'] = None\n"  # any `import archspec` would now fail
        "import runpy, torch\n"
        f"ns = runpy.run_path({str(path)!r})\n"
        "m = ns['ResNet18']().eval()\n"
        "print(tuple(m(torch.randn(1, 3, 64, 64)).shape))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert out.stdout.strip() == "(1, 1000)"


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_zoo_sources_match(name: str, tmp_path: Path) -> None:
    """The same keys, layers and outputs; and one class per block kind, named after the block."""
    net = small(name)
    source = _check_same(net, tmp_path)
    classes = re.findall(r"^class (\w+)\(nn\.Module\)", source, re.M)
    blocks = {s.label for s in net.graph.scopes if s.kind == "block"
              and any(n.name.startswith(s.name + ".") for n in net.graph.nodes if n.defn.module)}
    assert {class_name(b) for b in blocks} <= set(classes)
    assert len(classes) == len(set(classes)) and not [c for c in classes if re.fullmatch(r".*[A-Za-z]\d", c)
                                                      and c[:-1] in classes], classes  # no `Bottleneck2`


@pytest.mark.slow
def test_zoo_sources_pass_ruff(tmp_path: Path) -> None:
    for name in zoo_names():
        (tmp_path / f"{name}.py").write_text(archspec.load(name).to_python())
    if not Path(RUFF).exists():
        pytest.skip("ruff is not installed")
    result = subprocess.run([RUFF, "check", "--isolated", "--select", "E,F,W,I,B,UP", "--line-length", "130", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
