"""Block-level layouts (one column; compact with numbered continuations) and layer-level folding."""

from __future__ import annotations

import re

import pytest

from archspec.backends import graphviz as gv
from archspec.backends.graphviz.columns import mark
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
