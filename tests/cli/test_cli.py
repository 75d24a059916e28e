"""The command line: exit codes, JSON shapes, artifacts, help with examples, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archspec.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_analyze_json(capsys: pytest.CaptureFixture[str], reference: dict) -> None:
    code, out, _ = run(capsys, "analyze", "resnet50", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["name"] == "resnet50" and d["input"] == [3, 224, 224] and d["output"] == [1000]
    assert (d["params"], d["macs"]) == (reference["resnet50"]["params"], reference["resnet50"]["macs"])
    assert d["flops"] > 2 * d["macs"]
    assert all({"path", "op", "out", "params", "macs"} <= set(layer) for layer in d["layers"])
    assert sum(layer["params"] for layer in d["layers"]) == d["params"]


def test_analyze_tables_show_resolved_config(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", str(ROOT / "specs" / "resnext.arch") + ":50_32x4d", "--per-layer")
    assert code == 0
    assert "groups=32" in out and "base_width=4" in out and "stage3.5.conv2" in out
    assert "multiply-accumulates" in out  # the convention is stated


def test_check_and_zoo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "resnet18")
    assert code == 0 and out.startswith("ok: resnet18")
    code, out, _ = run(capsys, "zoo", "--json")
    entries = json.loads(out)
    assert code == 0
    (r50,) = [e for e in entries if e["name"] == "resnet50"]
    assert r50["variant"] is None and Path(r50["spec"]).resolve() == ROOT / "specs" / "resnet50.arch"


def test_bad_spec_exits_2_with_a_located_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.arch"
    bad.write_text("network x\ninput 3x32x32\nstem:\n  conv 16 k3 act=rleu\n")
    code, out, err = run(capsys, "check", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:4:14: error: unknown activation `rleu`" in err
    assert "did you mean `relu`?" in err and "^" in err and "Traceback" not in err


def test_bad_set_and_unknown_spec_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "analyze", "resnet18", "--set", "alpha")[0] == 2
    code, _, err = run(capsys, "analyze", "resnet18", "--set", "alhpa=0.5")
    assert code == 2 and "did you mean `alpha`?" in err
    code, _, err = run(capsys, "analyze", "resnt18")
    assert code == 2 and "resnet18" in err


def test_budget_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "resnet18", "--max-params", "1000")
    assert code == 1 and "parameters" in err  # a budget that refuses the network is a failed check


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for args in ([], ["compile"], ["analyze"], ["check"], ["zoo"]):
        code = main([*args, "--help"])
        out = capsys.readouterr().out
        assert code == 0 and "examples:" in out


def test_compile_writes_artifacts(capsys: pytest.CaptureFixture[str], tmp_path: Path, reference: dict) -> None:
    code, out, _ = run(capsys, "compile", "resnet18", "-o", str(tmp_path), "--device", "cpu", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["output"] == [1000] and d["params"] == reference["resnet18"]["params"]
    folder = tmp_path / "resnet18"
    spec_ir = json.loads((folder / "spec.json").read_text())
    assert spec_ir["name"] == "resnet18"
    graph = json.loads((folder / "graph.json").read_text())
    assert graph["nodes"][0]["path"] == "stem.conv1"
    assert json.loads((folder / "analysis.json").read_text())["macs"] == reference["resnet18"]["macs"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left behind


def test_compile_bad_spec_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.arch"
    bad.write_text("network bad\ninput 3x32x32\nstem:\n  conv 16 k3 s=0\n")
    code, _, err = run(capsys, "compile", str(bad), "-o", str(tmp_path / "out"))
    assert code == 2 and ":4:14:" in err
    assert not (tmp_path / "out").exists()


def test_console_script_end_to_end(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "archspec"
    p = subprocess.run([str(exe), "compile", "specs/resnet50.arch", "-o", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert "25,557,032" in p.stdout and "4,089,184,256" in p.stdout
    assert (tmp_path / "resnet50" / "spec.json").exists()
