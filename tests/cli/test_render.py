"""``archspec render`` and ``archspec gallery``: formats, options, errors, and life without Graphviz."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import archspec
from archspec import zoo
from archspec.cli import main
from tests.conftest import ROOT, needs_dot

MAGIC = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF", "dot": b"digraph"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@needs_dot
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "dot"])
def test_render_writes_the_format_of_the_extension(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "sub" / f"r18.{fmt}"
    code, out, err = run(capsys, "render", "resnet18", "-o", str(target))
    assert code == 0 and err == "" and f"wrote {target}" in out
    assert target.read_bytes().startswith(MAGIC[fmt])


@needs_dot
def test_render_svg_has_the_folded_blocks(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "r152.svg"
    assert run(capsys, "render", "resnet152", "-o", str(target))[0] == 0
    ids = {g.get("id") for g in ET.parse(target).getroot().iter("{http://www.w3.org/2000/svg}g")}
    assert {"stage3.1-35", "stage3.0.shortcut", "legend"} <= ids


@needs_dot
def test_render_png_dpi(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sizes = {}
    for dpi in ("96", "288"):
        target = tmp_path / f"r{dpi}.png"
        assert run(capsys, "render", "resnet18", "--level", "stage", "-o", str(target), "--dpi", dpi)[0] == 0
        data = target.read_bytes()
        sizes[dpi] = int.from_bytes(data[16:20], "big")
    assert abs(sizes["288"] - 3 * sizes["96"]) <= 3
    code, _, err = run(capsys, "render", "resnet18", "-o", str(tmp_path / "r.svg"), "--dpi", "300")
    assert code == 2 and "--dpi is for png output" in err
    code, _, err = run(capsys, "render", "resnet18", "-o", str(tmp_path / "r.png"), "--dpi", "5")
    assert code == 2 and "between 24 and 1200" in err


def test_render_levels_rankdir_and_theme(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "r.dot"
    code, _, _ = run(capsys, "render", "resnet18", "-o", str(target), "--level", "layer", "--rankdir", "LR", "--theme", "dark")
    text = target.read_text()
    assert code == 0 and 'class="archspec layer-level"' in text and 'rankdir="LR"' in text and "#1E1E1E" in text
    assert '"stage2.0.shortcut.conv1"' in text


def test_render_variant_and_set(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    entry = zoo.find("efficientnet_b3")
    assert entry is not None
    code, out, _ = run(capsys, "render", entry.spec, "--variant", "b3", "-o", "-", "--level", "stage")
    assert code == 0 and "efficientnet [b3]" in out and "input 3×300×300" in out
    code, out, _ = run(capsys, "render", "resnet18", "--set", "resolution=160", "-o", "-")
    assert code == 0 and "input 3×160×160" in out


def test_render_dot_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "render", "resnet50", "-o", "-")
    assert code == 0 and err == ""
    assert out == archspec.load("resnet50").to_dot()


@needs_dot
def test_render_defaults_to_name_svg(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "render", str(ROOT / "specs" / "resnet18.arch"))[0] == 0
    assert (tmp_path / "resnet18.svg").read_bytes().startswith(b"<?xml")


def test_bad_spec_is_a_located_error_and_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.arch"
    bad.write_text("network x\ninput 3x32x32\nstem:\n  conv 16 k3 act=rleu\n")
    target = tmp_path / "x.svg"
    code, out, err = run(capsys, "render", str(bad), "-o", str(target))
    assert code == 2 and out == "" and not target.exists()
    assert f"{bad}:4:14: error: unknown activation `rleu`" in err and "Traceback" not in err


def test_unknown_extension_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "render", "resnet18", "-o", str(tmp_path / "x.jpeg"))
    assert code == 2 and ".svg, .png, .pdf or .dot" in err


def test_without_graphviz_the_dot_file_is_still_written(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    target = tmp_path / "r.svg"
    code, _, err = run(capsys, "render", "resnet18", "-o", str(target))
    assert code == 1 and not target.exists()
    assert (tmp_path / "r.dot").read_text().startswith('digraph "resnet18"')
    assert len(err.strip().splitlines()) == 1 and "apt-get install graphviz" in err
    code, _, err = run(capsys, "render", "resnet18", "-o", str(tmp_path / "only.dot"))
    assert code == 0 and err == "" and (tmp_path / "only.dot").exists()
    code, _, err = run(capsys, "gallery", str(tmp_path / "g"))
    assert code == 1 and "apt-get install graphviz" in err


@needs_dot
def test_gallery_command(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two = tuple(e for e in zoo.entries() if e.name in ("resnet18", "resnet50"))
    monkeypatch.setattr(zoo, "entries", lambda: two)
    code, out, _ = run(capsys, "gallery", str(tmp_path))
    assert code == 0 and "wrote 5 files" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.md", "resnet18.md", "resnet18.svg", "resnet50.md", "resnet50.svg"]
    index = (tmp_path / "index.md").read_text()
    assert "[resnet50](resnet50.md)" in index and "archspec gallery docs/gallery" in index
    page = (tmp_path / "resnet50.md").read_text()
    assert "![resnet50, block level](resnet50.svg)" in page and "| stage3 | bottleneck | 6 |" in page
    assert "| **total** |" in page and "**25,557,032**" in page


def test_help_lists_render_and_gallery(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "render" in out and "gallery" in out
    code, out, _ = run(capsys, "render", "--help")
    assert code == 0 and "--level" in out and "apt-get install graphviz" in out
