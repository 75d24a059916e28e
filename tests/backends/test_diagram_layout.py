"""Block-level layouts (one column; compact with numbered continuations) and layer-level folding."""

from __future__ import annotations

import re

import pytest

import archspec
from archspec import zoo
from archspec.backends import graphviz as gv
from archspec.backends.graphviz.columns import mark
from archspec.graph import Node, Scope
from tests.backends.test_graphviz import dot_edges, dot_nodes, load, plain

WRAPPED = ["mobilenet_v2", "efficientnet_b0", "densenet121"]  # long enough that compact wraps them


@pytest.mark.parametrize("rankdir", gv.RANKDIRS)
@pytest.mark.parametrize("name", WRAPPED)
def test_column_layout_is_one_column_without_connectors(name: str, rankdir: str) -> None:
    text = gv.to_dot(load(name), "block", rankdir)
    assert "connector" not in text
    assert set(re.findall(r'group="(column\d+)"', text)) == {"column0"}


@pytest.mark.parametrize("rankdir", gv.RANKDIRS)
@pytest.mark.parametrize("name", WRAPPED)
def test_compact_continuations_carry_one_mark_at_both_ends(name: str, rankdir: str) -> None:
    net = load(name)
    text = gv.to_dot(net, "block", rankdir, layout="compact")
    nodes = dot_nodes(text)
    outs = {i: plain(n["label"]) for i, n in nodes.items() if "connector out" in n["cls"]}
    ins = {i: plain(n["label"]) for i, n in nodes.items() if "connector in" in n["cls"]}
    assert outs and len(outs) == len(ins)
    stages = [s.name for s in net.stages]
    for k, (out, label) in enumerate(sorted(outs.items(), key=lambda o: stages.index(o[0][:-len(".out")])), 1):
        into = re.search(r"continues → (\S+)", label)
        assert into and mark(k) in label, label
        frm = out[:-len(".out")]
        # the next column starts at the same mark, naming the stage the flow comes from
        assert mark(k) in ins[f"{into[1]}.in"] and f"from {frm}" in ins[f"{into[1]}.in"]
        assert stages.index(into[1]) == stages.index(frm) + 1
    # data reaches each mark and leaves the other: no edge across the columns
    edges = {(e["src"], e["dst"]) for e in dot_edges(text)}
    assert all(any(d == o for _, d in edges) for o in outs) and all(any(s == i for s, _ in edges) for i in ins)


# ---- layer level: runs of identical blocks folded ------------------------------------------------

_CLUSTER = re.compile(r'subgraph "cluster_([^"]+)" \{\n\s*graph \[id="[^"]*" class="([^"]*)"')
_TITLE = re.compile(r"^(\S+) … (\S+) · (\S+) ×(\d+)")


def _folded(text: str) -> dict[str, str]:
    """Folded clusters (id -> the text of its title) in a layer-level DOT."""
    nodes = dot_nodes(text)
    return {cid: plain(nodes[f"title:{cid}"]["label"]) for cid, cls in _CLUSTER.findall(text) if "folded" in cls.split()}


def _block_of(net: archspec.Network, n: Node) -> Scope | None:
    """The block directly inside a stage that holds a layer node."""
    g = net.graph
    s = g.scopes[n.scope]
    while s.parent is not None:
        p = g.scopes[s.parent]
        if p.kind == "stage" and s.kind == "block":
            return s
        s = p
    return None


ENTRIES = zoo.entries()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_layer_level_draws_every_node_or_folds_it_into_a_counted_run(entry: zoo.Entry) -> None:
    net = archspec.load(entry.spec, variant=entry.variant)
    g = net.graph
    text = gv.to_dot(net, "layer")
    drawn = set(dot_nodes(text))
    folded = _folded(text)
    blocks = {s.name: s for s in g.scopes if s.kind == "block"}
    covered: dict[str, str] = {}  # a block left out -> the folded cluster standing for it
    for cid, title in folded.items():
        m = _TITLE.match(title.strip())
        assert m, title
        first, last = blocks[m[1]], blocks[m[2]]
        kids = [g.scopes[c] for c in g.scopes[first.parent].children]  # type: ignore[index]
        run = kids[kids.index(first):kids.index(last) + 1]
        assert len(run) == int(m[4]) > 1 and {s.label for s in run} == {m[3]}, title
        assert len({len([n for n in g.nodes if _block_of(net, n) is s]) for s in run}) == 1
        assert cid == f"{first.name}-{last.name.rpartition('.')[2]}"
        covered |= {s.name: cid for s in run[1:]}
    for n in g.nodes:
        if n.name in drawn:
            continue
        block = _block_of(net, n)
        assert block is not None and block.name in covered, f"{n.name} neither drawn nor folded"
    assert not any(n.name in drawn for n in g.nodes if (b := _block_of(net, n)) is not None and b.name in covered)
    unfolded = gv.to_dot(net, "layer", fold=False)
    assert {n.name for n in g.nodes} <= set(dot_nodes(unfolded)) and not _folded(unfolded)


def test_resnet152_layer_level_draws_stage3_once() -> None:
    text = gv.to_dot(load("resnet152"), "layer")
    assert "stage3.1 … stage3.35 · bottleneck ×35" in _folded(text)["stage3.1-35"]
    nodes = dot_nodes(text)
    assert "stage3.1.conv1" in nodes and "stage3.2.conv1" not in nodes
    edges = {(e["src"], e["dst"]) for e in dot_edges(text)}
    # into the run from the block before it, out of the drawn block into the next stage
    assert any(s.startswith("stage3.0.") and d == "stage3.1.conv1" for s, d in edges)
    assert any(s.startswith("stage3.1.") and d.startswith("stage4.0.") for s, d in edges)
    assert not any(s.startswith("stage3.1.") and d.startswith("stage3.1.conv1") for s, d in edges)  # no loop back
