"""What the diagrams' summaries say is true of what they summarise: a stage's shortcuts, counted
over all its blocks from the layer graph's adds; the stage level's arguments in the papers' terms."""

from __future__ import annotations

import re

import pytest

import archspec
from archspec import zoo
from archspec.backends import graphviz as gv
from archspec.backends.graphviz.hierarchy import shortcut_text
from archspec.backends.graphviz.labels import paper_args
from archspec.graph import Graph
from tests.backends.test_graphviz import dot_nodes, plain
from tests.conftest import needs_dot

ENTRIES = zoo.entries()


def shortcuts_from_adds(g: Graph, stage: str) -> dict[str, int]:
    """Each residual's add in a stage (not a `sum:`'s or a `cascade:`'s), by what its second input is:
    ops in a shortcut scope (a 1×1 conv: projection, a zero-pad: zeropad; ops written out under
    `shortcut:`: explicit) or the block's input itself (identity)."""
    out: dict[str, int] = {}
    for n in g.nodes:
        scope = g.scopes[n.scope]
        if n.op != "add" or not n.name.startswith(stage + ".") or scope.kind != "residual":
            continue
        kind = "identity"
        for i in n.inputs:
            if i >= 0 and ".shortcut." in g.nodes[i].name:
                first = g.nodes[i]
                while first.inputs and first.inputs[0] >= 0 and ".shortcut." in g.nodes[first.inputs[0]].name:
                    first = g.nodes[first.inputs[0]]
                kind = "explicit" if scope.info.get("shortcut") == "explicit" else \
                    {"conv": "projection", "zeropad": "zeropad"}[first.op]
        out[kind] = out.get(kind, 0) + 1
    return out


def said(label: str) -> dict[str, int]:
    """The counts a stage node's '⊕ shortcuts: 1 projection + 2 identity' row gives."""
    m = re.search(r"⊕ shortcuts: ([^<]*?)\s*(?:→|$|\d+(?:\.\d+)? [KMGT]? ?params)", plain(label))
    if not m:
        return {}
    return {kind: int(k) for k, kind in re.findall(r"(\d+) (\w+)", m[1])}


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_stage_summaries_count_every_shortcut(entry: zoo.Entry) -> None:
    net = archspec.load(entry.spec, variant=entry.variant)
    nodes = dot_nodes(net.to_dot(level="stage"))
    for st in net.stages:
        got = said(nodes[st.name]["label"])
        want = shortcuts_from_adds(net.graph, st.name)
        none = got.pop("none", 0)
        assert got == want, f"{st.name}: the diagram says {got}, the layer graph has {want}"
        residuals = [s for s in net.graph.scopes if s.kind == "residual" and s.name.startswith(st.name + ".")]
        if want:
            assert none == sum(1 for s in residuals if s.info.get("shortcut") == "none")


def test_a_stage_whose_first_block_projects_says_so() -> None:
    nodes = dot_nodes(archspec.load("resnet50").to_dot(level="stage"))
    assert "⊕ shortcuts: 1 projection + 2 identity" in plain(nodes["stage1"]["label"])
    assert "⊕ shortcuts: 1 projection + 5 identity" in plain(nodes["stage3"]["label"])
    assert "identity shortcut" not in plain(nodes["stage1"]["label"])
    mb2 = dot_nodes(archspec.load("mobilenet_v2").to_dot(level="stage"))
    assert "⊕ shortcuts: 2 identity + 1 none" in plain(mb2["stage3"]["label"])
    assert "⊕" not in plain(mb2["stage1"]["label"])  # its one block has no shortcut
    assert shortcut_text({"none": 2}) is None


def test_stage_level_speaks_the_papers_terms_with_everything_in_the_tooltip() -> None:
    text = archspec.load("resnext50_32x4d").to_dot(level="stage")
    label = plain(dot_nodes(text)["stage2"]["label"])
    assert "width 128 · expansion 4 · groups 32 · stride 2" in label
    assert "base_width" not in label and "stride_on" not in label
    tip = re.search(r'"stage2" \[.*tooltip="([^"]*)"', text)
    assert tip is not None and "base_width=4" in tip[1] and "stride_on=3" in tip[1] and "groups=32" in tip[1]
    assert paper_args({"c": 24, "t": 6, "s": 2, "k": 3, "act": "relu6"}) == ["width 24 · expansion 6 · stride 2 · kernel 3×3"]
    assert paper_args({"c": 64, "groups": 1, "se": 0}) == ["width 64"]
    assert paper_args({"exp": 64, "c": 24, "se": True}) == ["width 24 · exp size 64 · SE"]


@needs_dot
def test_the_tooltip_reaches_the_svg() -> None:
    svg = gv.render_bytes(archspec.load("resnet50"), "svg", level="stage").decode()
    assert 'xlink:title="stage1: expansion=4 c=64 s=1 groups=1 base_width=64 stride_on=3 shortcut=auto w=64"' in svg
