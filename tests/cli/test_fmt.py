"""``archspec fmt``: print, --check (exit 1 when a file would change) and --write."""

from __future__ import annotations

from pathlib import Path

import pytest

import archspec
from archspec.cli import main

UGLY = "network t   # tiny\ninput 3x32x32\nstem:\n    conv 8 k3   # first\n    act\n"
PRETTY = "network t  # tiny\ninput 3x32x32\n\nstem:\n  conv 8 k3  # first\n  act\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_prints_the_canonical_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "t.arch").write_text(UGLY)
    assert run(capsys, "fmt", str(tmp_path / "t.arch")) == (0, PRETTY, "")


def test_check_and_write(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ugly, pretty = tmp_path / "ugly.arch", tmp_path / "pretty.arch"
    ugly.write_text(UGLY)
    pretty.write_text(PRETTY)
    code, out, _ = run(capsys, "fmt", str(ugly), str(pretty), "--check")
    assert code == 1 and f"would reformat {ugly}" in out and "+  conv 8 k3  # first" in out and "1 of 2 files" in out
    assert ugly.read_text() == UGLY
    code, out, _ = run(capsys, "fmt", str(ugly), "--write")
    assert code == 0 and f"reformatted {ugly}" in out and ugly.read_text() == PRETTY
    assert run(capsys, "fmt", str(ugly), str(pretty), "--check")[0] == 0


def test_a_spec_ir_prints_as_arch_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(archspec.loads(UGLY).to_json())
    code, out, _ = run(capsys, "fmt", str(path))
    assert code == 0 and out == PRETTY.replace("\n\n", "\n\n")  # nothing but blank lines could differ
    code, _, err = run(capsys, "fmt", str(path), "--write")
    assert code == 2 and "not an .arch file" in err


def test_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.arch"
    bad.write_text("network t\ninput 3x32x32\nstem:\n  conv 8 k3 +\n")
    code, _, err = run(capsys, "fmt", str(bad))
    assert code == 2 and f"{bad}:4:" in err
    code, _, err = run(capsys, "fmt", str(bad), str(bad))
    assert code == 2 and "--check / --write" in err
