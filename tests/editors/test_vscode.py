"""The VS Code extension: its TextMate grammar is the generated one and scopes every token of every zoo
spec as archspec's Pygments lexer does (checked by vscode-tmgrammar-test, VS Code's own tokeniser), its
language configuration matches the language, and `vsce` packages it into a .vsix.

The npm packages come from `bash scripts/editors.sh` (which `scripts/setup.sh --test` runs): their
absence is a failure, not a skip.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name

import archspec
from archspec import tmgrammar
from tests.conftest import ROOT

VSCODE = ROOT / "editors" / "vscode"
BIN = VSCODE / "node_modules" / ".bin"


def _tool(name: str) -> Path:
    path = BIN / name
    assert path.exists(), f"{path} is missing: run `bash scripts/editors.sh` (scripts/setup.sh --test does)"
    return path


def syntax_test(name: str, text: str) -> str:
    """A vscode-tmgrammar-test case: the text, each line followed by one assertion per token, the
    scope the Pygments lexer's token maps to (``tmgrammar.SCOPES``)."""
    lines = text.split("\n")
    asserts: list[list[str]] = [[] for _ in lines]
    line = col = 0
    for token, value in _tokens(text):
        scope = tmgrammar.scope_of(token)
        for i, part in enumerate(value.split("\n")):
            if i:
                line, col = line + 1, 0
            if scope is not None and part.strip():
                start = col + len(part) - len(part.lstrip())
                width = len(part.strip())
                mark = "<" + "-" * width if start == 0 else " " * (start - 1) + "^" * width
                asserts[line].append(f"#{mark} {scope}")
            col += len(part)
    out = [f'# SYNTAX TEST "{tmgrammar.SCOPE}" "{name}"']
    for source, marks in zip(lines, asserts, strict=True):
        out.append(source)
        out.extend(marks)
    return "\n".join(out) + "\n"


def _tokens(text: str) -> list[tuple[object, str]]:
    """The Pygments lexer's tokens, the text's own newlines kept (the lexer adds one at the end)."""
    tokens = list(get_lexer_by_name("archspec", stripnl=False, ensurenl=False).get_tokens(text))
    return [(t, v) for t, v in tokens if v]


def test_the_grammar_is_generated_from_the_lexer() -> None:
    committed = (VSCODE / "syntaxes" / "archspec.tmLanguage.json").read_text(encoding="utf-8")
    assert committed == tmgrammar.text(), "run `python -m archspec.tmgrammar --write`"


def test_the_grammar_scopes_every_zoo_spec_as_the_lexer(tmp_path: Path) -> None:
    specs = sorted((ROOT / "specs").glob("*.arch")) + [ROOT / "archspec" / "prelude.arch"]
    for spec in specs:
        (tmp_path / spec.name).write_text(syntax_test(spec.stem, spec.read_text(encoding="utf-8")), encoding="utf-8")
    done = subprocess.run([str(_tool("vscode-tmgrammar-test")), "-g", str(VSCODE / "syntaxes" / "archspec.tmLanguage.json"),
                           "--config", str(VSCODE / "package.json"), "-c", str(tmp_path / "*.arch")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert done.stdout.count("✓") + done.stdout.count("PASS") >= len(specs) or not done.stdout.strip(), done.stdout[-2000:]


def test_a_broken_grammar_fails_the_check(tmp_path: Path) -> None:
    """The check has teeth: a keyword the grammar scopes differently fails it."""
    case = tmp_path / "wrong.arch"
    case.write_text(f'# SYNTAX TEST "{tmgrammar.SCOPE}" "wrong"\nnetwork x\n#<------- keyword.control.archspec\n')
    done = subprocess.run([str(_tool("vscode-tmgrammar-test")), "-g", str(VSCODE / "syntaxes" / "archspec.tmLanguage.json"),
                           "--config", str(VSCODE / "package.json"), "-c", str(case)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0


def test_the_language_configuration_and_manifest() -> None:
    config = json.loads((VSCODE / "language-configuration.json").read_text())
    assert config["comments"] == {"lineComment": "#"}
    assert config["brackets"] == [["(", ")"], ["[", "]"]] and config["folding"] == {"offSide": True}
    manifest = json.loads((VSCODE / "package.json").read_text())
    assert manifest["version"] == archspec.__version__
    language = manifest["contributes"]["languages"][0]
    assert language["extensions"] == [".arch"] and language["id"] == "archspec"
    assert manifest["contributes"]["grammars"][0]["scopeName"] == tmgrammar.SCOPE
    assert manifest["contributes"]["configuration"]["properties"]["archspec.server.command"]["default"] == ["archspec", "lsp"]
    assert (VSCODE / "package-lock.json").exists()


@pytest.mark.slow
def test_vsce_packages_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "archspec.vsix"
    done = subprocess.run([str(_tool("vsce")), "package", "--allow-missing-repository", "--out", str(out)],
                          cwd=VSCODE, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with zipfile.ZipFile(out) as vsix:
        names = set(vsix.namelist())
        manifest = json.loads(vsix.read("extension/package.json"))
    for part in ("extension/extension.js", "extension/language-configuration.json", "extension/syntaxes/archspec.tmLanguage.json",
                 "extension/node_modules/vscode-languageclient/node.js", "extension.vsixmanifest"):
        assert part in names, part
    assert not any(n.startswith("extension/node_modules/@vscode/vsce") for n in names)  # no build tools inside
    assert manifest["main"] == "./extension.js" and manifest["name"] == "archspec"
