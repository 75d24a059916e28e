"""``archspec diff``: a table of what changed per stage, or JSON."""

from __future__ import annotations

import json

import pytest

from archspec.cli import main


def test_diff_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "resnet50", "resnet50_paper"]) == 0
    out = capsys.readouterr().out
    assert "resnet50 → resnet50_paper" in out and "stage2" in out and "%)" in out
    assert "changed" in out and out.count("stride_on 3→1") == 4  # why each stage changed
    assert main(["diff", "resnet18", "resnet18", "--set-b", "alpha=0.5", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert not d["same"] and d["totals"]["params"][1] < d["totals"]["params"][0]
    assert main(["diff", "efficientnet_b0", "efficientnet_b0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["same"]
