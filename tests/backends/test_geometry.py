"""The geometry check of laid-out diagrams (archspec/backends/graphviz/geometry.py), and the
regression case it was written for: the block-level ResNet-50 as it was drawn before issue #17
(tests/backends/data/resnet50.block.before.dot), whose edges hook and run through stage titles.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import archspec
from archspec import zoo
from archspec.backends import graphviz as gv
from archspec.backends.graphviz import geometry as geo
from archspec.backends.graphviz.geometry import Box, Edge, Layout, Problem
from tests.conftest import needs_dot, spec

DATA = Path(__file__).parent / "data"


def layout(rankdir: str = "TB", **kw: object) -> Layout:
    lay = Layout(rankdir, {}, {}, {}, {}, {}, [])
    for k, v in kw.items():
        setattr(lay, k, v)
    return lay


def line(*pts: tuple[float, float]) -> list[tuple[float, float]]:
    """Points every point along a polyline."""
    out = [pts[0]]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        n = int(max(abs(x1 - x0), abs(y1 - y0))) or 1
        out += [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(1, n + 1)]
    return out


A, B, C = Box(0, 100, 40, 120), Box(0, 0, 40, 20), Box(0, 50, 40, 70)


def test_an_edge_may_touch_its_ends_but_not_a_node_between() -> None:
    straight = Edge("a->b", "a", "b", line((20, 100), (20, 20)), [])
    assert geo.problems(layout(nodes={"a": A, "b": B}, edges=[straight])) == []
    assert geo.problems(layout(nodes={"a": A, "b": B, "c": C}, edges=[straight])) == [Problem("crosses node", "a->b", "c")]
    around = Edge("a->b", "a", "b", line((20, 100), (60, 80), (60, 40), (20, 20)), [])
    assert geo.problems(layout(nodes={"a": A, "b": B, "c": C}, edges=[around])) == []


def test_titles_labels_and_overflow() -> None:
    edge = Edge("a->b", "a", "b", line((20, 100), (20, 20)), [Box(24, 55, 60, 63)])
    title = Box(2, 75, 80, 88)
    found = geo.problems(layout(nodes={"a": A, "b": B}, titles={"s": title}, title_text={"s": [title]},
                                clusters={"s": Box(0, 0, 70, 95)}, edges=[edge]))
    assert Problem("crosses title", "a->b", "s") in found
    assert Problem("overflow", "s") in found  # the title is wider than its cluster
    other = Edge("c->d", "c", "d", line((40, 59), (50, 59)), [Box(20, 95, 30, 105)])
    found = geo.problems(layout(nodes={"a": A, "b": B}, edges=[edge, other]))
    assert Problem("crosses label", "c->d", "a->b") in found
    assert Problem("overlap", "a", "c->d") in found  # c->d's label overlaps node a
    assert Problem("far label", "c->d") in found


def test_hooks_against_the_flow() -> None:
    hook = Edge("a->b", "a", "b", line((20, 100), (30, 90), (35, 110), (20, 20)), [])
    assert geo.problems(layout(nodes={"a": A, "b": B}, edges=[hook])) == [Problem("hook", "a->b")]
    right = Edge("a->b", "a", "b", line((0, 10), (100, 10)), [])
    assert geo.problems(layout("LR", edges=[right])) == []
    back = Edge("a->b", "a", "b", line((0, 10), (-20, 10), (100, 10)), [])
    assert geo.problems(layout("LR", edges=[back])) == [Problem("hook", "a->b")]


def test_text_boxes_follow_alignment() -> None:
    ops = [{"op": "F", "size": 10.0, "face": "x"}, {"op": "T", "pt": [50.0, 10.0], "align": "c", "width": 20.0, "text": "ab"},
           {"op": "T", "pt": [50.0, 10.0], "align": "r", "width": 20.0, "text": "ab"},
           {"op": "T", "pt": [50.0, 10.0], "align": "l", "width": 20.0, "text": " "}]
    assert geo.texts(ops) == [Box(40, 7.9, 60, 17.6), Box(30, 7.9, 50, 17.6)]


@needs_dot
def test_the_old_resnet50_block_diagram_fails() -> None:
    """The recorded regression case: hooked projection shortcuts, floating labels, edges through titles."""
    found = set(geo.check((DATA / "resnet50.block.before.dot").read_text(encoding="utf-8")))
    for p in (Problem("hook", "stage1.0.shortcut"), Problem("hook", "stage2.0.shortcut"),
              Problem("far label", "stage1.0.shortcut"), Problem("crosses title", "input->stem.conv1", "stem"),
              Problem("crosses title", "stage1.0.shortcut", "stage1")):
        assert p in found, sorted(map(str, found))


# ---- the diagrams drawn now ------------------------------------------------------------------------

USER_NET = spec("stem:\n  conv 16 k3\nblock mixed(c):\n  concat:\n    branch: conv c k1\n    branch: conv c k1; conv c k3\n"
                "    branch: maxpool k3 s1 p1; conv c k1\nstages mixed:\n  8 x2\n  16 x2\nhead:\n  avgpool global\n  fc 10\n")


@needs_dot
@pytest.mark.parametrize("level", gv.LEVELS)
@pytest.mark.parametrize("rankdir", gv.RANKDIRS)
def test_resnet50_and_a_small_user_net_are_clean(level: str, rankdir: str) -> None:
    for net in (archspec.load("resnet50"), archspec.loads(USER_NET)):
        assert [str(p) for p in geo.check(net.to_dot(level=level, rankdir=rankdir))] == []


ENTRIES = zoo.entries()


@needs_dot
@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_every_zoo_model_is_clean_at_every_level_and_direction(entry: zoo.Entry) -> None:
    """The whole zoo (72 models, 6 drawings each, and the compact block level where it wraps: about
    75 s on two cores), not one model per structure: where dot puts things depends on the sizes of
    the labels, which the numbers change."""
    net = archspec.load(entry.spec, variant=entry.variant)
    drawings = {f"{level} {rankdir}": net.to_dot(level=level, rankdir=rankdir) for level in gv.LEVELS for rankdir in gv.RANKDIRS}
    for rankdir in gv.RANKDIRS:
        compact = net.to_dot(level="block", rankdir=rankdir, layout="compact")
        if compact != drawings[f"block {rankdir}"]:  # a network short enough for one column is drawn so
            drawings[f"block {rankdir} compact"] = compact
    found = {k: [str(p) for p in geo.check(text)] for k, text in drawings.items()}
    assert {k: v for k, v in found.items() if v} == {}


UNFOLDED = ["resnet50", "googlenet", "densenet121"]


@needs_dot
@pytest.mark.slow
@pytest.mark.parametrize("name", UNFOLDED)
def test_unfolded_layer_level_is_clean(name: str) -> None:
    entry = zoo.find(name)
    assert entry is not None
    net = archspec.load(entry.spec, variant=entry.variant)
    found = {r: [str(p) for p in geo.check(net.to_dot(level="layer", rankdir=r, fold=False))] for r in gv.RANKDIRS}
    assert {k: v for k, v in found.items() if v} == {}
