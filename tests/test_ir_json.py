"""The spec IR as JSON: written by ``to_json``, read back by ``archspec.load`` into the identical network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import archspec
from archspec import ir, zoo


def test_json_loads_back_identical(tmp_path: Path) -> None:
    net = archspec.load("efficientnet_b0")
    path = tmp_path / "spec.json"
    path.write_text(net.to_json())
    back = archspec.load(path)
    assert back.spec == net.spec and back.graph.to_dict() == net.graph.to_dict()
    assert archspec.load(f"{path}:b3").graph.to_dict() == archspec.load("efficientnet_b3").graph.to_dict()


def test_graph_json_is_the_layer_graph() -> None:
    net = archspec.load("resnet18")
    assert json.loads(net.to_json("graph")) == json.loads(json.dumps(net.graph.to_dict()))
    with pytest.raises(ValueError):
        net.to_json("nothing")


def test_a_bad_ir_is_a_located_error() -> None:
    with pytest.raises(archspec.SpecError, match="not a spec IR: input"):
        archspec.loads('{"name": "x", "input": [3, 4]}', "bad.json")


def test_errors_in_an_ir_point_at_the_arch_file() -> None:
    data = json.loads(archspec.load("resnet18").to_json())
    data["parts"][1]["block"] = "basik"
    with pytest.raises(archspec.SpecError) as info:
        archspec.loads(json.dumps(data), "spec.json")
    assert info.value.file == "specs/resnet18.arch" and "did you mean `basic`" in str(info.value)


def test_schema_describes_the_ir() -> None:
    schema = ir.Spec.model_json_schema()
    assert schema["title"] == "Spec" and {"Call", "Compound", "Stages", "Comment"} <= set(schema["$defs"])


@pytest.mark.slow
@pytest.mark.parametrize("name", [e.name for e in zoo.entries()])
def test_zoo_round_trips(name: str) -> None:
    net = archspec.load(name)
    back = archspec.loads(net.to_json(), variant=net.variant)
    assert back.spec == net.spec and back.graph.to_dict() == net.graph.to_dict()
