"""The per-user cache: private, keyed by content, and never a reason to fail."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from archspec import cache
from tests.conftest import ROOT


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("ARCHSPEC_CACHE_DIR", str(root))
    monkeypatch.delenv("ARCHSPEC_NO_CACHE", raising=False)
    cache.directory.cache_clear()
    yield root
    cache.directory.cache_clear()


def test_round_trip_in_a_private_directory(cache_dir: Path) -> None:
    cache.store("thing", {"a": [1, 2]})
    assert cache.load("thing") == {"a": [1, 2]}
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert [p.name for p in cache_dir.iterdir()] == ["thing"]  # no temporary file left behind


def test_a_directory_others_can_write_is_not_used(cache_dir: Path) -> None:
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, 0o777)
    assert cache.directory() is None
    cache.store("thing", 1)
    assert cache.load("thing") is None
    assert list(cache_dir.iterdir()) == []


def test_corrupt_or_missing_entries_read_as_none(cache_dir: Path) -> None:
    assert cache.load("absent") is None
    cache.store("thing", 1)
    (cache_dir / "thing").write_bytes(b"\x80\x05not a pickle")
    assert cache.load("thing") is None


def test_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHSPEC_NO_CACHE", "1")
    cache.directory.cache_clear()
    assert cache.directory() is None
    assert cache.file_for("grammar") is None


def test_keys_follow_content() -> None:
    assert cache.key("prelude", "a") == cache.key("prelude", "a")
    assert cache.key("prelude", "a") != cache.key("prelude", "b")
    assert cache.key("prelude", "a") != cache.key("grammar", "a")


def _analyze(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archspec", "analyze", "resnet18", "--json"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_cold_warm_and_corrupt_cache_give_the_same_answer(tmp_path: Path) -> None:
    env = {**os.environ, "ARCHSPEC_CACHE_DIR": str(tmp_path / "c"), "PYTHONPATH": str(ROOT)}
    env.pop("ARCHSPEC_NO_CACHE", None)
    cold = _analyze(env)
    assert cold.returncode == 0, cold.stderr
    names = sorted(p.name.split("-")[0] for p in (tmp_path / "c").iterdir())
    assert names == ["grammar", "prelude"]
    warm = _analyze(env)
    for p in (tmp_path / "c").iterdir():
        p.write_bytes(b"garbage")
    corrupt = _analyze(env)
    off = _analyze({**env, "ARCHSPEC_NO_CACHE": "1"})
    assert cold.stdout == warm.stdout == corrupt.stdout == off.stdout
    assert corrupt.stderr == "" and warm.stderr == ""
