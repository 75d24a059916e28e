"""``archspec explore``: the command line it runs, its errors, and the spec it opens."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from archspec.cli.explore import check_spec, command, start_value
from archspec.explorer import SCRIPT, START_ENV
from tests.app.conftest import APP, ROOT, RUN_TIMEOUT_S, exact, spec_text
from tests.conftest import spec


def _archspec(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archspec", *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=False)


def test_the_packaged_script_is_in_the_package() -> None:
    assert SCRIPT.is_file() and SCRIPT.parent.name == "explorer" and SCRIPT.parent.parent.name == "archspec"
    args = argparse.Namespace(port=8600, address="127.0.0.1", browser=False)
    cmd = command(args)
    assert cmd[:5] == [sys.executable, "-m", "streamlit", "run", str(SCRIPT)]
    assert cmd[cmd.index("--server.port") + 1] == "8600" and cmd[cmd.index("--server.address") + 1] == "127.0.0.1"


@pytest.mark.parametrize(("args", "wanted"), [
    (["explore", "no_such_model"], "`no_such_model` is neither a zoo model (see `archspec zoo`) nor a file"),
    (["explore", "--port", "0"], "--port 0 is not a port (1-65535)"),
    (["explore", "--port", "99999"], "--port 99999 is not a port (1-65535)"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], wanted: str) -> None:
    done = _archspec(*args)
    assert done.returncode == 2
    assert done.stderr.strip() == f"archspec: {wanted}"
    assert done.stdout == ""


def test_a_spec_is_a_zoo_name_or_a_file(tmp_path: Path) -> None:
    f = tmp_path / "mine.arch"
    f.write_text(spec("stem:\n  conv 8 k3\n"))
    assert check_spec("resnet50") is None and start_value("resnet50") == "resnet50"
    assert check_spec(str(f)) is None and start_value(str(f)) == str(f.resolve())
    assert check_spec(f"{f}:b3") is None and start_value(f"{f}:b3") == f"{f.resolve()}:b3"
    assert check_spec(str(tmp_path / "missing.arch")) is not None


def _started_with(monkeypatch: pytest.MonkeyPatch, value: str) -> AppTest:
    monkeypatch.setenv(START_ENV, value)
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    assert not at.exception, at.exception
    return at


def test_explore_opens_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    f = tmp_path / "mine.arch"
    f.write_text(spec("stem:\n  conv 8 k3\nhead:\n  avgpool global\n  flatten\n  fc 10\n", name="mine"))
    at = _started_with(monkeypatch, str(f))
    assert spec_text(at) == f.read_text()
    assert exact(at, "Params") == 3 * 8 * 9 + 2 * 8 + 8 * 10 + 10  # conv, its BatchNorm, fc


def test_explore_opens_a_zoo_model_and_a_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _started_with(monkeypatch, "mobilenet_v2")
    assert "network mobilenet_v2" in spec_text(at)
    at = _started_with(monkeypatch, f"{ROOT / 'specs' / 'efficientnet.arch'}:b3")
    assert at.session_state["variant_pick"] == "b3"
    assert exact(at, "Params") == 12_233_232  # torchvision's efficientnet_b3


def test_a_missing_start_file_is_a_notice_not_a_crash(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _started_with(monkeypatch, str(tmp_path / "gone.arch"))
    assert any("could not open" in w.value for w in at.warning)
    assert "network resnet50" in spec_text(at)


def test_the_server_runs_without_streamlits_garbage_pass_after_every_run() -> None:
    """Both ways of starting the explorer turn off Streamlit's full collection after each script run,
    which with large networks in the shared cache held up every session (bench.load --hostile)."""
    import tomllib

    cmd = command(argparse.Namespace(port=8501, address="127.0.0.1", browser=False))
    assert cmd[cmd.index("--runner.postScriptGC") + 1] == "false"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False and config["browser"]["gatherUsageStats"] is False
