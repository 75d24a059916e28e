"""Paper-style figures (``to_dot(style="paper")``, ``archspec render --style paper``): what they draw,
checked against the layer graph, their geometry, and the command line's errors."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

import archspec
from archspec import zoo
from archspec.backends import graphviz as gv
from archspec.backends.graphviz import geometry as geo
from archspec.cli import main
from archspec.graph import Graph, Node
from archspec.layerops.conv import hw
from tests.conftest import needs_dot

_ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
_NODE = re.compile(r'^\s*"([^"]+)" \[(.*)\]$')
_EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)" \[(.*)\]$')


class Fig:
    """The nodes, edges and frames of a figure's DOT text."""

    def __init__(self, text: str) -> None:
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.frames: list[str] = []
        for line in text.splitlines():
            if m := _EDGE.match(line):
                self.edges.append((m[1], m[2], dict(_ATTR.findall(m[3]))))
            elif m := _NODE.match(line):
                self.nodes[m[1]] = dict(_ATTR.findall(m[2]))
            elif 'class="fold"' in line:
                self.frames.append(dict(_ATTR.findall(line))["label"])
        self.text = text

    def label(self, nid: str) -> str:
        return self.nodes[nid].get("label", "")

    def outs(self, nid: str) -> list[tuple[str, str, dict[str, str]]]:
        return [e for e in self.edges if e[0] == nid]

    def ins(self, nid: str) -> list[tuple[str, str, dict[str, str]]]:
        return [e for e in self.edges if e[1] == nid]

    def main_path(self) -> list[str]:
        """The labels along the data path from the input, never taking a shortcut."""
        out, nid = [], "input"
        while nid != "output":
            nxt = [e for e in self.outs(nid) if e[2]["class"] != "identity"]
            nid = nxt[0][1]
            out.append(self.label(nid))
        return out

    def back(self, nid: str) -> list[str]:
        """The box labels on the single path from the input to ``nid`` (exclusive), in order."""
        out = []
        while nid != "input":
            (src, _, _), = self.ins(nid)
            if self.nodes[src].get("class") == "box":
                out.append(self.label(src))
            nid = src
        return out[::-1]


@cache
def graph(name: str) -> Graph:
    return archspec.load(name).graph


def figure(name: str, **kw: object) -> Fig:
    return Fig(gv.to_dot(archspec.load(name), style="paper", **kw))  # type: ignore[arg-type]


def in_scope(g: Graph, path: str, op: str = "conv") -> list[Node]:
    """The layer graph's nodes of one op under a scope path, in data-flow order."""
    return [n for n in g.nodes if (n.name.startswith(path + ".")) and n.op == op]


def conv_words(n: Node) -> str:
    """A conv as ResNet's figure writes it, from the node's attributes: '1×1, 64', with '/2' for a stride."""
    k, _ = hw(n.attrs.k)
    s, _ = hw(n.attrs.s)
    return f"{k}×{k}, {n.attrs.out_c}" + (f", /{s}" if s > 1 else "")


def test_resnet50_default_is_the_papers_bottleneck() -> None:
    """Fig. 5 (right) of the ResNet paper: 256-d in, 1×1, 64 → 3×3, 64 → 1×1, 256, ⊕ with the identity."""
    g = graph("resnet50")
    fig = figure("resnet50")
    assert fig.text == gv.to_dot(archspec.load("resnet50"), style="paper", block="stage1.1")
    body = [n for n in in_scope(g, "stage1.1") if ".shortcut." not in n.name]
    assert [conv_words(n) for n in body] == ["1×1, 64", "3×3, 64", "1×1, 256"]  # the spec's numbers
    assert fig.main_path()[:4] == ["", *map(conv_words, body)]  # the fork, then the boxes in order
    assert fig.main_path()[4:] == ["+", fig.label("output")]
    add = next(n for n in fig.nodes if fig.label(n) == "+")
    shortcut = [e for e in fig.ins(add) if e[2]["class"] == "identity"]
    assert len(shortcut) == 1 and "identity" in shortcut[0][2]["label"]
    assert fig.ins(shortcut[0][0])[0][0] == "input"  # from the block's input, split off at the fork
    first = next(n for n in g.nodes if n.name == "stage1.1.conv1")
    assert fig.label("input") == f"{g.nodes[first.inputs[0]].out[0]}-d" == "256-d"
    assert fig.label("output") == "256-d"
    assert "relu" in {e[2].get("label", "").strip() for e in fig.edges}  # beside the arrows, not boxes
    assert not any("bn" in fig.label(n).lower() for n in fig.nodes) and "BN omitted" in fig.text


def test_resnet50_projection_shortcut_box() -> None:
    g = graph("resnet50")
    fig = figure("resnet50", block="stage2.0")
    (proj,) = in_scope(g, "stage2.0.shortcut")
    assert conv_words(proj) == "1×1, 512, /2"
    (box,) = [n for n in fig.nodes if fig.label(n) == conv_words(proj)]
    assert [fig.label(e[1]) for e in fig.outs(box)] == ["+"]
    assert not any(e[2]["class"] == "identity" for e in fig.edges)
    assert fig.main_path()[1:5] == [conv_words(n) for n in in_scope(g, "stage2.0") if n is not proj] + ["+"]


def test_resnet50_stage_folds_identical_blocks() -> None:
    g = graph("resnet50")
    blocks = [s for s in g.scopes if s.kind == "block" and s.name.startswith("stage1.")]
    fig = figure("resnet50", block="stage1")
    assert fig.frames == [f"×{len(blocks) - 1}"]  # stage1.0 (projection) drawn alone, the rest folded
    assert sum(fig.label(n) == "+" for n in fig.nodes) == 2
    assert fig.label("input") == "64-d"


def test_googlenet_first_inception_has_four_branches() -> None:
    g = graph("googlenet")
    fig = figure("googlenet")
    (concat,) = [n for n in fig.nodes if fig.label(n) == "Filter concatenation"]
    branches = [fig.back(src) + [fig.label(src)] for src, _, _ in fig.ins(concat)]
    expect = []
    for b in sorted({n.name.rsplit(".", 1)[0] for n in g.nodes if n.name.startswith("inception3.inception1.branch")}):
        ops = [n for n in g.nodes if n.name.startswith(b + ".") and n.op in ("conv", "maxpool")]
        expect.append([conv_words(n) if n.op == "conv" else f"{hw(n.attrs.k)[0]}×{hw(n.attrs.k)[0]} max pooling" for n in ops])
    assert branches == expect
    # the spec's numbers: inception 64 96 128 16 32 32 k_big=3
    assert branches == [["1×1, 64"], ["1×1, 96", "3×3, 128"], ["1×1, 16", "3×3, 32"], ["3×3 max pooling", "1×1, 32"]]
    assert fig.label("input") == "192-d" and fig.label("output") == f"{64 + 128 + 32 + 32}-d"
    assert "relu after each conv" in fig.text


def test_mobilenet_v2_inverted_residual() -> None:
    g = graph("mobilenet_v2")
    fig = figure("mobilenet_v2")
    convs = in_scope(g, "stage2.1")
    assert [n.attrs.out_c for n in convs] == [144, 144, 24] and convs[1].attrs.g == 144
    assert fig.main_path()[1:] == ["1×1, 144", "3×3 dwise, 144", "1×1, 24, linear", "+", "24-d"]
    assert [e[2].get("label", "").strip() for e in fig.edges if e[2].get("label", "").strip() == "relu6"] == ["relu6"] * 2
    assert any(e[2]["class"] == "identity" for e in fig.edges)


def test_se_gate_is_one_box_and_groups_are_written() -> None:
    fig = figure("efficientnet_b0", block="stage2.1")
    assert "SE" in fig.main_path()
    resnext = figure("resnext50_32x4d", block="stage1.1")
    (conv2,) = [n for n in graph("resnext50_32x4d").nodes if n.name == "stage1.1.conv2"]
    assert conv2.attrs.g == 32 and f"3×3, {conv2.attrs.out_c}, g=32" in [resnext.label(n) for n in resnext.nodes]


def test_dense_block_draws_one_layer_framed() -> None:
    g = graph("densenet121")
    dense = next(s for s in g.scopes if s.kind == "dense" and s.name.startswith("stage1."))
    fig = figure("densenet121", block="stage1")
    assert fig.frames == [f"×{dense.info['layers']}"]
    assert sum(fig.label(n) == "Concat" for n in fig.nodes) == 1


def test_a_block_inside_a_block_is_drawn_as_itself() -> None:
    """A dense block's fourth layer is that layer (its own input width), not the first one framed '×6';
    an SE block on its own shows the gate's ops rather than one 'SE' box."""
    g = graph("densenet121")
    path = "stage1.0.dense1.3.dense_layer1"
    (first,) = [n for n in g.nodes if n.name.startswith(path + ".")][:1]
    fig = figure("densenet121", block=path)
    assert fig.frames == [] and fig.label("input") == f"{g.nodes[first.inputs[0]].out[0]}-d" == "160-d"
    se = figure("efficientnet_b0", block="stage2.0.se1")
    assert "SE" not in [se.label(n) for n in se.nodes]
    assert se.main_path()[1:] == ["global avg pooling", "1×1, 4", "1×1, 96", "×", "96-d"]


def test_several_blocks_side_by_side() -> None:
    """Each distinct kind of block of EfficientNetV2, side by side, each with its own input and output."""
    g = graph("efficientnet_v2_s")
    kinds = {s.label: s.name for s in g.scopes if s.kind == "block" and s.name.count(".") == 1}
    assert set(kinds) == {"fused_mbconv", "mbconv"}
    default = figure("efficientnet_v2_s")
    assert "2 kinds of block" in default.text and "--block A,B" in default.text
    fig = figure("efficientnet_v2_s", block=",".join(kinds.values()))
    for path in kinds.values():
        assert {f"{path}/input", f"{path}/output"} <= set(fig.nodes)
        assert f'id="{path}" class="panel"' in fig.text
    assert len(fig.nodes) == len({n["id"] for n in fig.nodes.values()})


def test_left_to_right_and_dark() -> None:
    """Left to right the identity's word is a node on its lane (inside any '×k' frame); dark keeps the look."""
    lr = figure("resnet50", rankdir="LR")
    (lane,) = [n for n, a in lr.nodes.items() if a.get("class") == "lane"]
    assert lr.label(lane) == "identity" and [lr.label(e[1]) for e in lr.outs(lane)] == ["+"]
    dark = gv.to_dot(archspec.load("resnet50"), style="paper", theme="dark")
    assert gv.THEMES["dark"].background in dark and dark.count("->") == figure("resnet50").text.count("->")


def test_bad_paths_and_options() -> None:
    net = archspec.load("resnet50")
    with pytest.raises(ValueError, match=r"no block or stage `stage9`.*stages: stem, stage1"):
        gv.to_dot(net, style="paper", block="stage9")
    with pytest.raises(ValueError, match="style='paper'"):
        gv.to_dot(net, block="stage1.1")
    with pytest.raises(ValueError, match="block or a stage"):
        gv.to_dot(net, "layer", style="paper")


# ---- geometry: every figure clean ------------------------------------------------------------------

@needs_dot
@pytest.mark.parametrize(("name", "kw"), [
    ("resnet50", {"block": "stage2"}), ("googlenet", {"block": "inception4", "rankdir": "LR"}),
    ("mobilenet_v2", {"block": "stage3", "theme": "dark"}), ("inception_v3", {"block": "mixed7.inception_e1"}),
    ("densenet121", {"block": "stage2"}), ("resnet50", {"rankdir": "LR", "block": "stage2.0"}),
    ("inception_v3", {"block": "mixed5.inception_a1,mixed6.inception_b1,mixed6.inception_c1"}),
    ("efficientnet_v2_s", {"block": "stage1.0,stage4.1", "rankdir": "LR"}),
])
def test_stage_and_direction_figures_are_clean(name: str, kw: dict[str, str]) -> None:
    assert [str(p) for p in geo.check(gv.to_dot(archspec.load(name), style="paper", **kw))] == []  # type: ignore[arg-type]


ENTRIES = zoo.entries()


@needs_dot
@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_every_zoo_models_default_figure_is_clean(entry: zoo.Entry) -> None:
    """One small figure and one ``dot`` call per model (a few seconds for the zoo)."""
    net = archspec.load(entry.spec, variant=entry.variant)
    assert [str(p) for p in geo.check(gv.to_dot(net, style="paper"))] == []


# ---- the command line -------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@needs_dot
def test_cli_writes_a_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "x.png"
    code, out, err = run(capsys, "render", "resnet50", "--style", "paper", "-o", str(target))
    assert code == 0 and err == "" and "paper-style figure" in out
    assert target.read_bytes().startswith(b"\x89PNG")


def test_cli_bad_block_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "render", "resnet50", "--style", "paper", "--block", "stage9", "-o", str(tmp_path / "x.png"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "stage9" in err and "Traceback" not in err
    code, _, err = run(capsys, "render", "resnet50", "--block", "stage1.1", "-o", str(tmp_path / "x.png"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--style paper" in err
    assert not (tmp_path / "x.png").exists()
