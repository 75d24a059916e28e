"""At 80 columns the CLI's tables keep every number whole: text wraps, or a column goes, never a digit."""

from __future__ import annotations

import re

import pytest

import archspec
from archspec.cli import COMMANDS as COMMAND_NAMES
from archspec.cli import common, main

NUMBER = re.compile(r"\d[\d,.×]*(?: [KMGT]?B\b| [KMGT]\b)?")  # 25,557,032 · 512×28×28 · 1.03 G · 150.25 MB

COMMANDS = [
    ("analyze", "resnet50"),
    ("analyze", "resnet50", "--per-layer"),
    ("analyze", "resnet50", "--conventions"),
    ("analyze", "efficientnet_b0", "--per-layer", "--convention", "ptflops"),
    ("analyze", "resnet50", "--memory", "--batch", "64"),
    ("analyze", "regnet_y_400mf"),
    ("diff", "resnet50", "resnet50_paper"),
    ("diff", "efficientnet_b0", "efficientnet_b3"),
    ("check", "resnext101_64x4d"),
    ("zoo",),
]


def render(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, width: int, *args: str) -> str:
    monkeypatch.setattr(common.out, "width", width)
    assert main(list(args)) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_number_whole_at_80_columns(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                          args: tuple[str, ...]) -> None:
    wide = render(capsys, monkeypatch, 1000, *args)
    narrow = render(capsys, monkeypatch, 80, *args)
    assert max(len(line) for line in narrow.splitlines()) <= 80, narrow
    assert "…" not in narrow, narrow
    # Every number shown at 80 columns is one the unconstrained table shows: a cut one (`1,219,5`,
    # `512×28`, `150.25` without its `MB`) would be new.
    shown = "\n".join(line for line in narrow.splitlines() if "left out to fit" not in line and "use --json)" not in line)
    cut = set(NUMBER.findall(shown)) - set(NUMBER.findall(wide))
    assert not cut, f"numbers cut at 80 columns: {sorted(cut)}\n{narrow}"


def test_analyze_keeps_the_key_numbers(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    narrow = render(capsys, monkeypatch, 80, "analyze", "resnet50")
    net = archspec.load("resnet50")
    for s in net.stages:
        assert f"{s.params:,}" in narrow and common.shape(s.out) in narrow
        assert common._config(s.info) in narrow.replace("\n    ", " ")  # the resolved config, below the table
    assert "25,557,032" in narrow and "1,219,584" in narrow and "512×28×28" in narrow and "150.25 MB" in narrow


def test_zoo_and_diff_keep_names_and_reasons(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    zoo = render(capsys, monkeypatch, 80, "zoo")
    assert "shufflenet_v2_x0_5" in zoo and "wide_resnet101_2" in zoo and "126,886,696" in zoo
    assert "`spec` left out to fit 80 columns" in zoo
    diff = render(capsys, monkeypatch, 80, "diff", "resnet50", "resnet50_paper")
    assert diff.count("stride_on 3→1") == 4 and "950.53 M (-7.5%)" in diff


def _help(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, columns: int, *args: str) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))  # argparse reads the terminal's width from it
    try:
        code = main([*args, "--help"])
    except SystemExit as done:
        code = done.code
    assert code in (0, None)
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["", *COMMAND_NAMES])
def test_every_help_fits_80_columns_and_says_everything(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """The examples and notes under the options wrap too (argparse prints an epilog as written)."""
    args = [command] if command else []
    narrow = _help(capsys, monkeypatch, 80, *args)
    wide = _help(capsys, monkeypatch, 250, *args)
    assert [ln for ln in narrow.splitlines() if len(ln) > 80] == []
    assert narrow.split() == wide.split()  # the same words in the same order: nothing cut
    assert "examples:" in narrow


def test_an_example_too_wide_goes_under_its_command() -> None:
    from archspec.cli.helpformat import fit

    text = ("examples:\n  archspec a x   short\n  archspec b --long-option value   " + "a long description " * 5 + "\n"
            "  1  an item whose text runs on " + "and on " * 12 + "\n     its second line\n")
    lines = fit(text, 60)
    assert lines[:3] == ["examples:", "  archspec a x", "      short"]
    assert lines[3] == "  archspec b --long-option value" and all(ln.startswith("      a long") or ln.startswith("      ")
                                                                      for ln in lines[4:6])
    item = lines[lines.index(next(ln for ln in lines if ln.startswith("  1  "))):]
    assert all(len(ln) <= 60 for ln in lines) and all(ln.startswith("     ") for ln in item[1:])
    assert " ".join(item).split()[-3:] == ["its", "second", "line"]
    assert fit("examples:\n  archspec a   b\n", 60) == ["examples:", "  archspec a   b"]  # fits: as written
