"""Columns as clients count them (UTF-16 by default, UTF-8 or UTF-32 when they choose), words under the
cursor, and the missing-extra message of `archspec lsp`."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from archspec import ir
from archspec.cli import main
from archspec.lsp.positions import Lines

TEXT = 'network x "🙂 α"\n  conv 16 k3 act=rleu  # comment\n'


@pytest.mark.parametrize(("encoding", "col"), [("utf-16", 15), ("utf-8", 18), ("utf-32", 14)])
def test_columns_in_each_encoding(encoding: str, col: int) -> None:
    lines = Lines(TEXT, encoding)
    # The closing quote is the 15th character of line 1: after a non-BMP emoji and a Greek letter.
    assert lines.position(1, 15) == lsp.Position(line=0, character=col)
    assert lines.at(lsp.Position(line=0, character=col)) == (1, 15)
    assert lines.range(ir.Span(line=2, col=14, end_line=2, end_col=22)) == lsp.Range(
        start=lsp.Position(line=1, character=13), end=lsp.Position(line=1, character=21))


def test_words_and_code_ends() -> None:
    lines = Lines(TEXT)
    assert lines.word(2, 5) == ("conv", 3, 7)
    assert lines.word(2, 7) == ("conv", 3, 7)  # just past the word
    assert lines.word(2, 8) == ("16", 8, 10)
    assert lines.word(1, 14) == ("α", 14, 15)
    assert lines.code_end(2) == len("  conv 16 k3 act=rleu") + 1
    assert lines.code_end(1) == len(TEXT.split("\n")[0]) + 1  # a `#` inside a string is text


def test_a_missing_extra_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import archspec.extras

    real = archspec.extras.installed
    monkeypatch.setattr(archspec.extras, "installed", lambda m: m != "pygls" and real(m))
    assert main(["lsp"]) == 2
    err = capsys.readouterr().err
    assert err == "archspec: archspec lsp needs pygls, which is not installed: pip install 'archspec[lsp]'\n"
