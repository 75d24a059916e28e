"""``archspec expand``: the expanded spec on stdout or in a file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import archspec
from archspec.cli import main


def test_expand(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["expand", "mobilenet_v2", "--set", "alpha=0.5"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"\n  group 0: +# inverted_residual c=8 s=1 t=1", text) and not any(line.startswith("block ") for line in text.splitlines())
    assert archspec.loads(text).params == archspec.load("mobilenet_v2", overrides={"alpha": 0.5}).params
    out = tmp_path / "x.arch"
    assert main(["expand", "resnet18", "-o", str(out)]) == 0
    assert out.read_text().startswith("# resnet18: expanded")
