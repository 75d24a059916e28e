"""scripts/setup.sh says what it is doing, step by step, and keeps saying it during the long installs.

Run against stand-ins (a .venv whose pip only sleeps, `dot` and `chromium` on PATH), so the test takes
seconds and installs nothing; CI (`.ci/run`) runs the real script.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _stub(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _run(tmp_path: Path, pip_exit: int = 0) -> subprocess.CompletedProcess[str]:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    _stub(tmp_path / ".venv" / "bin" / "python", "exit 0")
    _stub(tmp_path / ".venv" / "bin" / "pip", f"sleep 2.3; exit {pip_exit}")
    _stub(tmp_path / ".venv" / "bin" / "archspec", 'echo "archspec 9.9.9"')
    for tool in ("dot", "chromium"):
        _stub(tmp_path / "bin" / tool, "exit 0")
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "SETUP_TICK": "1"}
    return subprocess.run(["bash", str(tmp_path / "scripts" / "setup.sh"), "--test"], capture_output=True, text=True,
                          env=env, timeout=60)


@pytest.mark.slow  # runs the script (with stand-ins for the installers): seconds
def test_setup_says_each_step_and_keeps_saying_it(tmp_path: Path) -> None:
    done = _run(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert all(line.startswith("setup [") for line in lines), done.stdout
    text = done.stdout
    order = ["1/4 system packages: graphviz and chromium already installed", "using the existing .venv",
             "2/4 PyTorch 2.14.1 + torchvision 0.29.1 with pip (~5.5 GB", "… still installing PyTorch",
             "3/4 archspec (editable) with the extras [all,test]", "ONNX + onnxruntime, Streamlit", "… still installing archspec's extras",
             "4/4 checking the install", "done: .venv holds"]
    where = [text.find(s) for s in order]
    assert -1 not in where and where == sorted(where), text
    assert text.count("done in ") == 2 and ".venv is " in text  # each install says how long and how big


@pytest.mark.slow
def test_setup_stops_when_an_install_fails(tmp_path: Path) -> None:
    done = _run(tmp_path, pip_exit=3)
    assert done.returncode != 0 and "done: .venv holds" not in done.stdout
    assert "2/4 PyTorch" in done.stdout and "3/4" not in done.stdout
