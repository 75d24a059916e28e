"""The compiled module as torchvision and timm users handle one: named classes, indexable stages, parts
replaced by assignment, feature maps; and the numbers unchanged (tests/specs checks logits and keys)."""

from __future__ import annotations

import copy
import inspect
import io
import warnings

import pytest
import torch
from torch import nn

import archspec
import archspec.backends.weights
from archspec.backends.naming import class_name, target
from archspec.backends.torch import DeviceError
from archspec.features import FeatureError
from tests.backends.conftest import small, zoo_names


def test_resnet50_prints_like_torchvision() -> None:
    with torch.device("meta"):
        m = archspec.load("resnet50").to_torch()
    text = repr(m)
    assert type(m).__name__ == "ResNet50" and text.startswith("ResNet50(\n  (stem): Sequential(")
    assert text.count("Bottleneck(") == 16 and "(shortcut): Sequential(" in text
    assert isinstance(m.stage1, nn.Sequential) and type(m.stage1[0]).__name__ == "Bottleneck"
    assert type(m.stage1[0]) is type(m.stage1[1]) is type(m.stage4[2])  # one class for every bottleneck
    tail = m.stage1[1:]
    assert isinstance(tail, nn.Sequential) and len(tail) == 2 and tail[0] is m.stage1[1]
    assert m.stage1[0].shortcut is not None and m.stage1[1].shortcut is None
    assert type(m.stage1[0]).__doc__ == "The `bottleneck` block (identity or projection shortcut)."


def test_forward_is_generated_code_calling_parts_by_name() -> None:
    m = archspec.load("resnet18").to_torch()
    leaf_types = {type(x) for x in m.modules() if not list(x.children())}
    assert leaf_types <= {nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.MaxPool2d, nn.AdaptiveAvgPool2d, nn.Flatten, nn.Linear}
    assert "x = self.stage1(x)" in inspect.getsource(type(m).forward)
    block = inspect.getsource(type(m.stage1[0]).forward)
    assert "if self.shortcut is not None:" in block and "out += x" in block


def test_replaced_head_and_block_are_what_run() -> None:
    net = small("resnet50")
    m = net.to_torch().eval()
    m.head.fc1 = nn.Linear(2048, 10)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert m(x).shape == (2, 10)
        seen = []
        m.stage4[2] = nn.Identity()
        m.stage4[2].register_forward_hook(lambda mod, i, o: seen.append(o.shape))
        m.stage3[0].shortcut = nn.Sequential(nn.Conv2d(512, 1024, 1, stride=2))
        assert m(x).shape == (2, 10) and seen == [(2, 2048, 2, 2)]


@pytest.mark.parametrize(("name", "cls"), [("resnet50", "ResNet50"), ("mobilenet_v3_large", "MobileNetV3Large"),
                                           ("efficientnet_b3", "EfficientNet"), ("resnext50_32x4d", "ResNeXt"),
                                           ("squeezenet1_0", "SqueezeNet1_0"), ("convnext_tiny", "ConvNeXt")])
def test_network_class_is_named_after_the_network(name: str, cls: str) -> None:
    with torch.device("meta"):
        assert type(archspec.load(name).to_torch()).__name__ == cls


def test_block_classes_are_named_after_blocks() -> None:
    assert [class_name(b) for b in ("bottleneck", "inverted_residual", "mbconv", "fused_mbconv", "se", "basic")] == [
        "Bottleneck", "InvertedResidual", "MBConv", "FusedMBConv", "SE", "Basic"]
    with torch.device("meta"):
        m = archspec.load("mobilenet_v2").to_torch()
    kinds = {type(b) for stage in (m.stage1, m.stage2, m.stage7) for b in stage}
    assert [k.__name__ for k in kinds] == ["InvertedResidual"]  # with and without expansion, skip or not


def _block_paths(net: archspec.Network) -> dict[str, str]:
    """Each block call that holds layers: its module path → its block's name."""
    paths = {}
    for s in net.graph.scopes:
        if s.kind == "block" and any(n.name.startswith(s.name + ".") for n in net.graph.nodes if n.defn.module):
            paths.setdefault(target(s.name), s.label)
    return paths


def _classifier(m: nn.Module) -> tuple[nn.Module, str, nn.Linear] | None:
    """The last linear layer of the head, with its parent and name."""
    found = None
    for path, mod in m.named_modules():
        if isinstance(mod, nn.Linear) and path.startswith("head."):
            parent, _, name = path.rpartition(".")
            found = (m.get_submodule(parent), name, mod)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_zoo_module_tree(name: str) -> None:
    """Every block an instance of its block's class (one class per kind), every chain stage a Sequential,
    the classifier replaced by assignment is the one that runs."""
    net = small(name)
    m = net.to_torch().eval()
    text = repr(m)
    classes: dict[str, type] = {}
    for path, label in _block_paths(net).items():
        cls = type(m.get_submodule(path))
        assert cls.__name__ == class_name(label), f"{path}: a {cls.__name__}, not a {class_name(label)}"
        assert classes.setdefault(label, cls) is cls, f"`{label}` blocks are instances of more than one class"
        assert f"{cls.__name__}(" in text
    for stage in net.stages:
        part = m.get_submodule(target(stage.name))
        if isinstance(part, nn.Sequential):
            assert part[0] is next(iter(part.children())) and len(part[:1]) == 1
    x = torch.randn(1, *net.input)
    found = _classifier(m)
    if found is not None:
        parent, attr, fc = found
        setattr(parent, attr, nn.Linear(fc.in_features, 10))
        with torch.no_grad():
            assert m(x).shape[-1] == 10


def _taps(net: archspec.Network) -> list[str]:
    """stage2, stage3 and stage4 where the network has them, else the last three sections before the head."""
    names = [s.name for s in net.stages]
    if {"stage2", "stage3", "stage4"} <= set(names):
        return ["stage2", "stage3", "stage4"]
    return [n for n in names if n != "head"][-3:]


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_zoo_features(name: str) -> None:
    """Three maps with the analysed shapes, equal to the whole network's values there."""
    net = small(name)
    taps = _taps(net)
    torch.manual_seed(0)
    whole = net.to_torch().eval()
    torch.manual_seed(0)
    fm = net.to_torch(features=taps).eval()
    assert list(fm.state_dict()) == list(whole.state_dict())[: len(fm.state_dict())]
    seen: dict[str, torch.Tensor] = {}
    for tap in taps:
        whole.get_submodule(target(tap)).register_forward_hook(lambda mod, i, o, tap=tap: seen.__setitem__(tap, o.clone()))
    x = torch.randn(2, *net.input)
    with torch.no_grad():
        maps = fm(x)
        whole(x)
    stages = {s.name: s.out for s in net.stages}
    assert [tuple(f.shape[1:]) for f in maps] == [stages[t] for t in taps]
    assert all(torch.equal(f, seen[t]) for f, t in zip(maps, taps, strict=True))
    info = net.features(taps)
    assert fm.feature_info == info and info.channels() == [stages[t][0] for t in taps]
    reductions = info.reduction()
    assert all(isinstance(r, int) and r >= 1 for r in reductions) and reductions == sorted(reductions)


@pytest.mark.parametrize(("name", "reductions"), [("resnet50", [8, 16, 32]), ("inception_v3", [8, 16, 32]),
                                                  ("efficientnet_b0", [4, 8, 16])])
def test_reductions_are_timms(name: str, reductions: list[int]) -> None:
    assert archspec.load(name).features(_taps(archspec.load(name))).reduction() == reductions


def test_features_at_inner_paths_export_and_script() -> None:
    net = small("resnet18")
    taps = ["stage3.1", "stage2.0.act1", "stem"]
    fm = net.to_torch(features=taps).eval()
    assert list(dict(fm.named_children())) == ["stem", "stage1", "stage2", "stage3"]  # nothing after the last tap
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        maps = fm(x)
        assert [tuple(f.shape[1:]) for f in maps] == [(256, 4, 4), (128, 8, 8), (64, 16, 16)]
        scripted = torch.jit.script(fm)(x)
        exported = torch.export.export(fm, (x,)).module()(x)
    assert all(torch.equal(a, b) and torch.equal(a, c) for a, b, c in zip(maps, scripted, exported, strict=True))
    assert net.features("stage3.1,stem").module_name() == ["stage3.1", "stem"]


def test_unknown_tap_is_one_error_with_a_hint() -> None:
    net = archspec.load("resnet18")
    with pytest.raises(FeatureError, match="no part of `resnet18` is named `stage9`") as err:
        net.features(["stage2", "stage9"])
    assert "stage4" in str(err.value)
    with pytest.raises(FeatureError):
        net.to_torch(features=[])
    with pytest.raises(ValueError, match="do not combine"):
        net.to_torch(features=["stage2"], fuse=True)


def test_features_with_weights() -> None:
    net = small("resnet18")
    theirs = archspec.backends.weights.torchvision_state_dict("resnet18")
    whole = net.to_torch(weights=theirs).eval()
    fm = net.to_torch(weights=theirs, features=["stage4"]).eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(fm(x)[0], whole.stage4(whole.stage3(whole.stage2(whole.stage1(whole.stem(x))))))


def test_module_pickles_and_copies() -> None:
    net = small("mobilenet_v3_small")
    m = net.to_torch().eval()
    buf = io.BytesIO()
    torch.save(m, buf)
    buf.seek(0)
    loaded = torch.load(buf, weights_only=False)
    x = torch.randn(1, *net.input)
    with torch.no_grad():
        want = m(x)
        assert torch.equal(loaded(x), want) and torch.equal(copy.deepcopy(m)(x), want)
    assert type(loaded).__name__ == "MobileNetV3Small" and repr(loaded) == repr(m)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_is_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    from archspec.cli import main

    with pytest.raises(DeviceError, match="CUDA is not available on this machine"):
        archspec.load("lenet5").to_torch(device="cuda")
    assert main(["compile", "lenet5", "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "CUDA is not available" in err and "Traceback" not in err and len(err.strip().splitlines()) == 2


def test_analyze_reports_the_taps(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from archspec.cli import main

    assert main(["analyze", "resnet50", "--features", "stage2,stage3,stage4"]) == 0
    text = capsys.readouterr().out
    assert "feature taps" in text and "512×28×28" in text and "2048×7×7" in text
    assert main(["analyze", "resnet50", "--features", "stage2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["features"] == [
        {"module": "stage2", "num_chs": 512, "reduction": 8, "shape": [512, 28, 28]}]
    assert main(["analyze", "resnet50", "--features", "stage9"]) == 2
    assert "did you mean `stage4`" in capsys.readouterr().err


def test_a_part_with_two_inputs_builds_one_flat_forward(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a part of the tree is not single-input, single-output, the network still builds: one class
    whose forward runs every layer, the same keys and outputs (and the taps, where asked)."""
    import archspec.backends.torch as backend

    net = small("resnet18")
    torch.manual_seed(0)
    tree = net.to_torch().eval()

    def refuse(*args: object) -> None:
        raise NotImplementedError("a part with two inputs")

    monkeypatch.setattr(backend, "plan", refuse)
    torch.manual_seed(0)
    flat = net.to_torch().eval()
    assert type(flat).__name__ == "ResNet18" and list(flat.state_dict()) == list(tree.state_dict())
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(flat(x), tree(x))
        maps = net.to_torch(features=["stage2", "stage3"]).eval()(x)
    assert [tuple(m.shape[1:]) for m in maps] == [(128, 8, 8), (256, 4, 4)]


def test_two_shortcuts_of_one_name_in_a_section() -> None:
    """Two residuals in one stem both name their shortcut `stem.shortcut` (a projection, then a zero-pad
    function): the function belongs to the stem, not to the projection's Sequential."""
    from tests.conftest import spec

    net = archspec.loads(spec("stem:\n  residual:\n    conv 16 k3 s2\n  residual shortcut=zeropad:\n    conv 24 k3 s2\n"))
    m = net.to_torch().eval()
    assert isinstance(m.stem.shortcut, nn.Sequential) and "zeropad_shortcut" in inspect.getsource(type(m.stem).forward)
    with torch.no_grad():
        assert m(torch.randn(1, 3, 32, 32)).shape == (1, 24, 8, 8)


def test_two_pass_through_branches_in_one_part() -> None:
    """Two `concat split=2` with `branch: identity` in one section: the two inlined slices get names apart."""
    import torch

    import archspec

    net = archspec.loads("network t\ninput 3x16x16\nstem:\n  conv 24 k3\n" + "  concat split=2:\n    branch: identity\n"
                         "    branch: conv 12 k3 groups=12\n" * 2)
    m = net.to_torch().eval()
    assert tuple(m(torch.randn(1, 3, 16, 16)).shape[1:]) == net.output
