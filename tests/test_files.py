"""Files commands write: atomic, and with the permissions users expect."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from archspec.cli import main
from archspec.files import write_atomic


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_new_files_follow_the_umask(tmp_path: Path, umask_022: None) -> None:
    p = write_atomic(tmp_path / "a" / "b.txt", "héllo")
    assert p.read_text(encoding="utf-8") == "héllo" and mode(p) == 0o644
    assert os.listdir(p.parent) == ["b.txt"]


def test_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    p = tmp_path / "x.arch"
    p.write_text("old")
    os.chmod(p, 0o640)
    write_atomic(p, b"new")
    assert p.read_bytes() == b"new" and mode(p) == 0o640


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "x.txt"
    p.write_text("kept")

    def interrupted(*args: object) -> None:  # the run dies after writing, before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "chmod", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(p, "new")
    assert p.read_text() == "kept" and os.listdir(tmp_path) == ["x.txt"]


def test_compile_outputs_are_readable_by_others(tmp_path: Path, umask_022: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile", "lenet5", "--device", "cpu", "-o", str(tmp_path), "--emit", "json"]) == 0
    files = sorted((tmp_path / "lenet5").iterdir())
    assert [f.name for f in files] == ["analysis.json", "graph.json", "spec.json"]
    assert all(mode(f) == 0o644 for f in files)
