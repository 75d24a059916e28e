"""Every spec in specs/: checked, analysed, compiled, run; and exact against torchvision's figures."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import archspec
from archspec import zoo
from archspec.parse import parse
from tests.conftest import OP_COVER, REFERENCE, ROOT, SAME_STRUCTURE, op_configurations, zoo_families
from tests.specs._torchvision import assert_counts_equal_reference


def test_every_spec_file_is_in_the_zoo() -> None:
    files = {str(Path(e.spec).resolve()) for e in zoo.entries()}
    assert files == {str(p.resolve()) for p in (ROOT / "specs").glob("*.arch")}


def test_zoo_has_the_seed_models() -> None:
    names = {e.name for e in zoo.entries()}
    wanted = {"googlenet", "googlenet_paper", "mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large", "densenet121",
              "vgg16", "vgg19", "vgg16_bn", "alexnet", "lenet5"} | {f"efficientnet_b{i}" for i in range(8)}
    assert wanted <= names


@pytest.mark.parametrize("name", [e.name for e in zoo.entries()])
def test_spec_checks_and_analyses(name: str) -> None:
    e = zoo.find(name)
    assert e is not None
    spec = parse(Path(e.spec).read_text(encoding="utf-8"), e.spec)
    assert spec.description, "every zoo spec says what it is"
    net = archspec.load(name)
    d = net.to_dict(per_layer=False)
    assert d["params"] == sum(s["params"] for s in d["stages"]) > 0
    assert d["macs"] == sum(s["macs"] for s in d["stages"]) > 0
    # Every stage says what it resolved to: a stage-table row its block and widths, a section its layers.
    for s in d["stages"]:
        assert s["info"], f"{name}: stage {s['name']} prints no resolved config"
        if "block" in s["info"]:
            assert s["info"]["repeats"] >= 1


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_families())
def test_compiled_forward_has_the_analysed_shapes(name: str) -> None:
    net = archspec.load(name)
    model = net.to_torch().eval()
    seen: dict[str, tuple[int, ...]] = {}
    for path, mod in model.named_modules():
        if path and not list(mod.children()):
            mod.register_forward_hook(lambda m, i, o, path=path: seen.__setitem__(path, tuple(o.shape[1:])))
    with torch.no_grad():
        y = model(torch.randn(1, *net.input))
    assert tuple(y.shape) == (1, *net.output)
    by_path = {layer.path: layer.out for layer in net.layers}
    assert seen and all(by_path[k] == v for k, v in seen.items())
    assert sum(p.numel() for p in model.parameters()) == net.params


def _structure(name: str) -> set[tuple[object, ...]]:
    """Each layer's op, its path with the numbers taken out (where it sits in its block), and its
    attributes that are not sizes (kinds, flags, eps)."""
    net = archspec.load(name)
    return {(layer.op, re.sub(r"\d+", "#", layer.path),
             tuple((k, v) for k, v in layer.attrs._asdict().items() if not isinstance(v, int | tuple) or isinstance(v, bool)))
            for layer in net.layers}


@pytest.mark.parametrize("name", sorted(SAME_STRUCTURE))
def test_a_model_the_mechanics_tests_skip_repeats_a_structure_they_run(name: str) -> None:
    kept = SAME_STRUCTURE[name]
    assert kept in zoo_families() and name not in zoo_families()
    assert _structure(name) == _structure(kept)


@pytest.mark.slow  # loads every zoo model
def test_the_op_cover_uses_everything_the_zoo_does() -> None:
    """The export tests run on OP_COVER: between them those models must use every op configuration and
    kind of scope of the whole zoo."""
    have: set[tuple] = set()
    for name in OP_COVER:
        have |= op_configurations(archspec.load(name))
    missing: dict[tuple, str] = {}
    for e in zoo.entries():
        for c in op_configurations(archspec.load(e.name)) - have:
            missing.setdefault(c, e.name)
    assert not missing, "add to OP_COVER in tests/conftest.py: " + ", ".join(
        f"{m} (for {c[0]} {c[1:]})" for c, m in missing.items())


# The torchvision classifiers in tests/reference/torchvision.json that the zoo does not build yet.
# Shrink this as models are added: a model added to the zoo is checked exactly by the test below.


def _reference_names() -> list[str]:
    return list(json.loads(REFERENCE.read_text())["models"])


@pytest.mark.parametrize("name", _reference_names())
def test_reference_model_is_exact(name: str, reference: dict) -> None:
    assert_counts_equal_reference(name, reference)


def test_every_reference_model_is_in_the_zoo(reference: dict) -> None:
    """All 68 CNN classification builders of torchvision 0.29 are zoo models of the same name."""
    names = {e.name for e in zoo.entries()}
    assert set(reference) <= names, f"missing from the zoo: {sorted(set(reference) - names)}"
    assert len(reference) == 68


def test_zoo_json_lists_variants_for_the_cli() -> None:
    exe = Path(sys.executable).with_name("archspec")
    out = subprocess.run([str(exe), "zoo", "--json"], capture_output=True, text=True, check=True, cwd=ROOT)
    items = {d["name"]: d for d in json.loads(out.stdout)}
    assert items["efficientnet_b3"]["variant"] == "b3" and items["vgg16_bn"]["variant"] == "16_bn"
    assert items["googlenet"]["variant"] is None
