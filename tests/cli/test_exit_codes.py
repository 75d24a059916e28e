"""Exit codes (0 ok, 1 a failed check, 2 bad input, 3 a bug), the budget flags, and errors as JSON."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from archspec import Budget
from archspec.cli import COMMANDS, EXIT_CODES, common, main

ROOT = Path(__file__).resolve().parents[2]
FLAGS = {"--max-params": "max_params", "--max-layers": "max_nodes", "--max-activations": "max_activations",
         "--max-layer-output": "max_layer_elements"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_every_help_and_the_readme_state_the_same_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    def words(text: str) -> str:  # the help wraps the block to the terminal's width
        return " ".join(text.split())

    assert main(["--help"]) == 0
    assert words(EXIT_CODES) in words(capsys.readouterr().out)
    for command in COMMANDS:
        assert main([command, "--help"]) == 0
        assert words(EXIT_CODES) in words(capsys.readouterr().out), command
    # The README's block says exactly what --help says.
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index("Exit codes:"):].split("```")[1].strip("\n")
    assert block == textwrap.dedent(EXIT_CODES.split("\n", 1)[1])
    for code, words in (("0", "ok"), ("1", "a check failed"), ("2", "bad input"), ("3", "an internal error")):
        assert re.search(rf"^{code}  {words}", block, re.M), f"README: `{code} {words}`"


def test_budget_help_default_error_and_value_agree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--help"]) == 0
    helptext = " ".join(capsys.readouterr().out.split())
    for flag, field in FLAGS.items():
        default = getattr(Budget(), field)
        shown = re.search(re.escape(flag) + r" N .*?\(default (\S+) = ([\d,]+)\)", helptext)
        assert shown, flag
        assert common.count(shown[1]) == default and shown[2] == f"{default:,}"
        # The default written back as help prints it changes nothing.
        assert run(capsys, "check", "resnet18", flag, shown[1])[0] == 0
    # A value in either spelling is the budget the error quotes.
    for value in ("2e6", "2000000", "2_000_000"):
        code, _, err = run(capsys, "check", "resnet18", "--max-activations", value)
        assert code == 1 and "over the budget of 2,000,000 values" in err and "--max-activations" in err
    code, _, err = run(capsys, "check", "resnet18", "--max-layer-output", "5e5")
    assert code == 1 and "over the budget of 500,000 values for one layer" in err and "--max-layer-output" in err


@pytest.mark.parametrize("bad", ["2.5", "lots", "0", "-3", "1e400"])
def test_budget_values_that_are_not_counts(capsys: pytest.CaptureFixture[str], bad: str) -> None:
    code, _, err = run(capsys, "check", "resnet18", f"--max-params={bad}")
    assert code == 2 and "--max-params" in err and "Traceback" not in err


def test_a_budget_error_reports_the_actual_count(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "wide.arch"
    path.write_text("network wide\ninput 64x1x1\nhead:\n  flatten\n  fc 10**9\n")
    code, _, err = run(capsys, "check", str(path))
    assert code == 1
    assert "reaches 65,000,000,000 parameters at `head.fc1`, over the budget of 20,000,000,000" in err, err
    assert f"{path}:5:3:" in err and "^" in err and "--max-params" in err
    assert run(capsys, "check", str(path), "--max-params", "1e11")[0] == 0


def test_check_json_on_a_bad_spec(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.arch"
    bad.write_text("network x\ninput 3x32x32\nstem:\n  conv 16 k3 act=rleu\n")
    code, out, err = run(capsys, "check", str(bad), "--json")
    d = json.loads(out)
    assert code == 2 == d["exit_code"] and d["ok"] is False
    assert (d["file"], d["line"], d["col"]) == (str(bad), 4, 14)
    assert d["message"] == "unknown activation `rleu`" and "relu" in d["hint"]
    assert d["report"].startswith(f"{bad}:4:14: error:") and d["report"] in err  # the text report still on stderr
    # A budget refusal: exit 1, said the same way.
    code, out, _ = run(capsys, "check", "resnet18", "--max-params", "1000", "--json")
    assert code == 1 == json.loads(out)["exit_code"]
    # And analyze --json as well.
    code, out, _ = run(capsys, "analyze", str(bad), "--json")
    assert code == 2 and json.loads(out)["line"] == 4


def test_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(capsys, "check", "resnet18")[0] == 0
    assert run(capsys, "check", "resnet18", "--max-layers", "10")[0] == 1  # a check that failed
    assert run(capsys, "check", "resnt18")[0] == 2  # bad input: no such spec
    assert run(capsys, "check", "resnet18", "--no-such-flag")[0] == 2
    ugly = tmp_path / "ugly.arch"
    ugly.write_text("network x\ninput 3x32x32\nstem:\n    conv 8 k3\n")
    assert run(capsys, "fmt", str(ugly), "--check")[0] == 1

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(common, "load", boom)
    code, _, err = run(capsys, "check", "resnet18")
    assert code == 3 and "internal error: RuntimeError: boom" in err and "Traceback" not in err
