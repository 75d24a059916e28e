"""Paper-style tables (``archspec table``): ResNet's Table 1 and MobileNet v2's t/c/n/s rows as the
papers print them (tests/reference/papers.md), every format parseable, params and MACs that add up."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import archspec
from archspec.cli import main
from archspec.papertable import FORMATS, build, render
from archspec.papertable.model import cell_text

PAPERS = (Path(__file__).parent / "reference" / "papers.md").read_text(encoding="utf-8")
MODELS = ["resnet50", "mobilenet_v2", "densenet121", "googlenet", "efficientnet_b0", "squeezenet1_0", "lenet5"]


def _papers_row(model: str) -> list[str]:
    """A row of papers.md's ResNet table: model, blocks, block, MACs, params."""
    line = next(ln for ln in PAPERS.splitlines() if ln.startswith(f"| {model} |"))
    return [c.strip() for c in line.strip("|").split("|")]


def _rows(name: str, layout: str = "auto") -> list[list[str]]:
    return [[cell_text(c) for c in r.cells] for r in build(archspec.load(name), layout).rows]


# He et al. (2015), Table 1, the 50-layer column: output size and the bracketed block of conv2_x … conv5_x.
RESNET50_TABLE1 = [
    ("56×56", "[1×1, 64; 3×3, 64; 1×1, 256] ×3"),
    ("28×28", "[1×1, 128; 3×3, 128; 1×1, 512] ×4"),
    ("14×14", "[1×1, 256; 3×3, 256; 1×1, 1024] ×6"),
    ("7×7", "[1×1, 512; 3×3, 512; 1×1, 2048] ×3"),
]


def test_resnet50_is_table_1() -> None:
    rows = _rows("resnet50")
    assert rows[0] == ["stem", "112×112", "7×7, 64, stride 2"]  # conv1
    assert rows[1] == ["", "56×56", "3×3 max pool, stride 2"]  # the first line of conv2_x
    assert [(r[1], r[2]) for r in rows[2:6]] == RESNET50_TABLE1
    assert [r[2] for r in rows[6:]] == ["global average pool", "1000-d fc"]
    assert {r[1] for r in rows[6:]} == {"1×1"}


@pytest.mark.parametrize("model,name", [("ResNet-18", "resnet18"), ("ResNet-50", "resnet50"), ("ResNet-101", "resnet101")])
def test_resnet_repeats_and_params_are_papers_md(model: str, name: str) -> None:
    _, blocks, _, _, params = _papers_row(model)
    table = build(archspec.load(name))
    repeats = [int(m.group(1)) for r in table.rows for m in [re.search(r"\] ×(\d+)$", cell_text(r.cells[2]))] if m]
    assert repeats == [int(b) for b in blocks.split(",")]
    assert table.params == int(params.replace(",", ""))


def test_mobilenet_v2_is_the_tcns_table() -> None:
    m = re.search(r"t,c,n,s table:\n(.*?);", PAPERS, re.S)
    assert m is not None
    expected = [tuple(row.strip().split(",")) for row in m.group(1).split("·")]
    table = build(archspec.load("mobilenet_v2"))
    assert table.layout == "tcns" and table.head == ("input", "operator", "t", "c", "n", "s")
    blocks = [r.cells for r in table.rows if str(r.cells[1]).startswith("inverted_residual")]
    assert [(t, c, n, s) for _, _, t, c, n, s in blocks] == expected
    # The paper's Table 2 around them: the stem, the last 1×1 conv, the pool and the classifier.
    rows = [r.cells for r in table.rows]
    assert rows[0] == ("224²×3", "conv2d 3×3", "-", "32", "1", "2")
    assert [b[0] for b in blocks] == ["112²×32", "112²×16", "56²×24", "28²×32", "14²×64", "14²×96", "7²×160"]
    assert rows[-3:] == [("7²×320", "conv2d 1×1", "-", "1280", "1", "1"), ("7²×1280", "avgpool 7×7", "-", "-", "1", "-"),
                         ("1×1×1280", "fc", "-", "1000", "1", "-")]


@pytest.mark.parametrize("name", MODELS)
def test_rows_add_up_to_the_network(name: str) -> None:
    net = archspec.load(name)
    for layout in ("resnet", "tcns"):
        table = build(net, layout)
        assert sum(r.params for r in table.rows) == table.params == net.params
        assert sum(r.macs for r in table.rows) == table.macs == net.macs


def test_folds_and_gates() -> None:
    assert "[1×1, 128; 3×3, 32] ×6" in cell_text(_rows("densenet121")[2][2])  # dense layers in a bracket
    regnet = [r[2] for r in _rows("regnet_y_400mf")]
    assert "[1×1, 48; 3×3, 48, groups 6; SE [8, 48]; 1×1, 48]" in regnet  # SENet's notation for the gate
    shuffle = [r[2] for r in _rows("shufflenet_v2_x1_0")]
    assert any(r.endswith("channel shuffle, 2 groups] ×3") for r in shuffle)  # the first unit is a row of its own
    assert "3×3 dw, 24" in shuffle[2]


class _Html(HTMLParser):
    VOID = {"br", "img", "hr", "meta", "input", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag in ("td", "th"):
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("td", "th", "span"):
            self.cells[-1] += data


@pytest.mark.parametrize("name", MODELS)
def test_every_format_parses(name: str) -> None:
    table = build(archspec.load(name))
    width = len(table.columns)
    rows = list(csv.reader(io.StringIO(render(table, "csv"))))
    assert rows[0] == list(table.columns) and all(len(r) == width for r in rows)
    assert rows[-1][0] == "total" and int(rows[-1][-2]) == table.params and int(rows[-1][-1]) == table.macs

    parser = _Html()
    parser.feed(render(table, "html"))
    parser.close()
    assert parser.stack == [] and len(parser.cells) == width * (len(table.rows) + 2)

    md = [ln for ln in render(table, "md").splitlines() if ln.startswith("|")]
    assert {len(re.split(r"(?<!\\)\|", ln)) for ln in md} == {width + 2}
    assert len(md) == len(table.rows) + 3

    tex = render(table, "latex")
    assert tex.count(r"\begin{tabular}") == tex.count(r"\end{tabular}") == 1
    assert tex.count(r"\begin{array}") == tex.count(r"\end{array}")
    assert tex.count(r"\left[") == tex.count(r"\right]")
    body = tex[tex.index(r"\begin{tabular}"):tex.index(r"\end{tabular}")]
    for line in body.splitlines()[1:]:
        if line.endswith(r"\\"):  # a row: one cell per column, math balanced
            assert re.sub(r"\\begin\{array\}.*?\\end\{array\}", "", line).count(" & ") == width - 1
            assert line.replace(r"\$", "").count("$") % 2 == 0
    assert "×" not in tex and "²" not in tex  # written as LaTeX


def test_unknown_layout_or_format() -> None:
    net = archspec.load("lenet5")
    with pytest.raises(ValueError, match="layout"):
        build(net, "vgg")
    with pytest.raises(ValueError, match="format"):
        render(build(net), "rst")
    assert set(FORMATS) == {"md", "latex", "html", "csv"}


def test_cli_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["table", "resnet50"]) == 0
    assert "| stage1 | 56×56 | [1×1, 64; 3×3, 64; 1×1, 256] ×3 | 215,808 | 668 M |" in capsys.readouterr().out
    assert main(["table", "mobilenet_v2", "--set", "alpha=0.5", "--format", "csv"]) == 0
    assert "112²×8,\"inverted_residual, k3×3\",6,16,2,2," in capsys.readouterr().out
    target = tmp_path / "t.tex"
    assert main(["table", "resnet18", "-f", "latex", "--layout", "tcns", "-o", str(target)]) == 0
    assert r"\begin{tabular}" in target.read_text() and f"wrote {target}" in capsys.readouterr().out
    assert main(["table", "nosuch"]) == 2 and "no spec file or zoo model" in capsys.readouterr().err
    assert main(["table", "resnet18", "--format", "rst"]) == 2
