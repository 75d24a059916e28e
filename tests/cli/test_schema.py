"""``archspec schema``: the JSON Schema of the spec IR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archspec import ir
from archspec.cli import main


def test_schema(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == ir.Spec.model_json_schema()
    assert main(["schema", "-o", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text())["title"] == "Spec"
