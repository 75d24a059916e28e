"""The Export tab: download buttons for the spec, the diagram, the analysis and the PyTorch source."""

from __future__ import annotations

import csv
import io
import json

import archspec
from archspec.explorer.model import zoo_spec
from archspec.explorer.render import (
    analysis_json,
    dot_source,
    file_stem,
    layer_csv,
    render_svg,
    stage_csv,
)
from tests.app.conftest import open_app
from tests.conftest import needs_dot


def test_download_buttons() -> None:
    at = open_app("Export")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:4] == ["Spec (.arch)", "Analysis (JSON)", "Per stage (CSV)", "Per layer (CSV)"]
    assert {"Diagram (DOT)", "Diagram (SVG)", "PyTorch source (.py)"} <= set(labels)
    assert not at.exception


def test_analysis_files_match_the_library() -> None:
    net = archspec.load("resnet50")
    assert json.loads(analysis_json(net)) == json.loads(json.dumps(net.to_dict(per_layer=True), default=str))
    stages = list(csv.DictReader(io.StringIO(stage_csv(net))))
    assert [int(r["params"]) for r in stages] == [s.params for s in net.stages]
    layers = list(csv.DictReader(io.StringIO(layer_csv(net))))
    assert len(layers) == len(net.layers) and layers[0]["layer"] == net.layers[0].path
    assert file_stem(net, (("alpha", 0.5),)) == "resnet50_alpha0.5"


@needs_dot
def test_svg_of_the_diagram() -> None:
    text, file, variant = zoo_spec("resnet18")
    dot, why = dot_source(text, file, variant, (), "stage", "TB")
    assert dot is not None, why
    svg = render_svg(dot)
    assert svg is not None and b"<svg" in svg


def test_pytorch_source_is_made_on_click() -> None:
    from archspec.explorer.export import _pysource
    from archspec.explorer.model import Design

    text, file, variant = zoo_spec("resnet18")
    source = _pysource(Design("resnet18", text, file, variant))()  # what the button runs when clicked
    compile(source, "resnet18.py", "exec")  # valid Python; not run
    assert "import torch" in source
    assert "import archspec" not in source and "from archspec" not in source  # standalone


def test_every_exporting_backend_has_a_button() -> None:
    """The registry's backends that export the module (ONNX, TorchScript, torch.export) are offered too."""
    at = open_app("Export")
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"onnx (.onnx)", "torchscript (.torchscript.pt)", "export (.pt2)"} <= labels


def test_a_backend_file_is_made_on_click() -> None:
    import torch

    from archspec.explorer.export import _backend
    from archspec.explorer.model import Design

    text, file, variant = zoo_spec("lenet5")
    data = _backend(Design("lenet5", text, file, variant), "torchscript")()  # what the button runs when clicked
    module = torch.jit.load(io.BytesIO(data))
    assert tuple(module(torch.zeros(1, 1, 32, 32)).shape) == (1, 10)
