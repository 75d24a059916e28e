"""Paper-style figures: one block, or one stage's blocks, drawn the way the papers draw them.

Plain boxes in the papers' words ('1×1, 64', '3×3 dwise, 144'), activations beside the arrows,
batch norms left out (the caption says so), the residual add a ⊕ with the identity shortcut as an
arc, the input and output as their widths ('256-d'). Built from the layer graph like every diagram:
``figure`` reads it, ``tidy`` finishes the figure, ``draw`` writes DOT.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archspec.backends.graphviz.hierarchy import Tree
from archspec.backends.graphviz.paper import draw, tidy
from archspec.backends.graphviz.paper.figure import INPUT, Builder
from archspec.backends.graphviz.theme import Theme
from archspec.graph import Scope

if TYPE_CHECKING:
    from archspec.backends.target import Target

# Sections a default figure passes over when the network has blocks elsewhere.
_ENDS = ("stem", "head")


def blocks(tree: Tree) -> list[Scope]:
    """The blocks called by the network's sections, in order."""
    return [tree.scope(c) for st in tree.stages() for c in st.children
            if tree.scope(c).kind == "block" and tree.nodes_in[c]]


def _identity(tree: Tree, block: Scope) -> bool:
    """Whether a residual in the block keeps its input as an identity shortcut."""
    held = {n.scope for n in tree.nodes_in[block.id]}  # a residual holds its add itself
    return any(tree.scope(sid).kind == "residual" and tree.scope(sid).info.get("shortcut") == "identity" for sid in held)


def default(tree: Tree, label: str | None = None) -> Scope:
    """The block a figure draws when none is named: of the kind ``label`` (by default the first kind
    outside the stem and head), the first with an identity shortcut (ResNet's Fig. 5 block), else,
    where the first downsamples, the first that keeps its input's shape (ShuffleNet's basic unit),
    else the first (GoogLeNet's inception 3a); no blocks (LeNet, AlexNet): the whole network."""
    calls = blocks(tree)
    body = [b for b in calls if b.name.split(".")[0] not in _ENDS] or calls
    if not body:
        return tree.scope(0)
    same = [b for b in calls if b.label == label] if label else [b for b in body if b.label == body[0].label]
    keeps = [b for b in same if _shape_in(tree, b) == tree.nodes_in[b.id][-1].out]
    downsamples = _shape_in(tree, same[0])[1:] != tree.nodes_in[same[0].id][-1].out[1:]
    return next((b for b in same if _identity(tree, b)), keeps[0] if keeps and downsamples else same[0])


def _shape_in(tree: Tree, s: Scope) -> tuple[int, ...]:
    """The shape of what a scope takes in (the first value its nodes read from outside it)."""
    ids = {n.id for n in tree.nodes_in[s.id]}
    j = next(j for n in tree.nodes_in[s.id] for j in n.inputs if j not in ids)
    return tree.g.input if j < 0 else tree.g.nodes[j].out


def find(tree: Tree, path: str) -> Scope:
    """The block or section named ``path``; a ValueError naming the choices if there is none."""
    for s in tree.g.scopes:
        if s.name == path and s.kind in ("block", "stage") and tree.nodes_in[s.id]:
            return s
    stages = [s.name for s in tree.stages()]
    calls = [b.name for b in blocks(tree)]
    some = ", ".join(calls[:3]) + (f" … {calls[-1]}" if len(calls) > 3 else "")
    raise ValueError(f"no block or stage `{path}` in {tree.g.name}; stages: {', '.join(stages)}"
                     + (f"; blocks: {some}" if calls else ""))


def stage_of(tree: Tree, s: Scope) -> Scope:
    """The section (stem, stageN, head) holding scope ``s``."""
    while s.kind != "stage" and s.parent is not None:
        s = tree.scope(s.parent)
    return s


def fill(b: Builder, tree: Tree, scope: Scope) -> None:
    """Give the builder what ``scope`` draws: a block's nodes, or a section's, runs of identical blocks folded."""
    if scope.kind not in ("stage", "network"):
        b.add(tree.nodes_in[scope.id])
        return
    run: list[Scope] = []
    for child, nodes in tree.items(scope.id):
        if child is not None and child.kind == "block" and run and tree.signature(child.id) == tree.signature(run[0].id):
            run.append(child)
            continue
        if run:
            b.fold_run(run)
        run = [child] if child is not None and child.kind == "block" else []
        if not run:
            b.add(nodes)
    if run:
        b.fold_run(run)


def width(shape: tuple[int, ...], network_input: bool) -> str:
    """The input or output as the papers write it: '256-d'; the network's input as its shape."""
    if network_input:
        return "×".join(map(str, shape)) + " input"
    return f"{shape[0]}-d"


def build(net: Target, theme: Theme, rankdir: str = "TB", level: str = "block", block: str | None = None) -> str:
    """A paper-style figure as DOT text: the block or section ``block`` (a path: 'stage2.1', 'stage2';
    several, comma-separated, side by side), or with none the default block; ``level="stage"``
    draws the whole section holding each."""
    if level not in ("block", "stage"):
        raise ValueError("a paper-style figure draws a block or a stage: choose level block or stage")
    tree = Tree(net.graph)
    paths = dict.fromkeys(p.strip() for p in block.split(",")) if block is not None else {}
    scopes = [find(tree, p) for p in paths] if block is not None else [default(tree)]
    if level == "stage":
        scopes = list({s.id: s for s in (stage_of(tree, s) for s in scopes)}.values())
    panels, omitted, acts = [], [], []
    for scope in scopes:
        panel, act, gone = figure(tree, scope, rankdir)
        panels.append(panel)
        omitted += [w for w in gone if w not in omitted]
        acts.append(act)
    notes = [f"{w} omitted" for w in omitted]
    if len(set(acts)) == 1 and acts[0]:  # the same for every panel: said once
        notes.append(f"{acts[0]} after each conv")
    else:
        for p, act in zip(panels, acts, strict=True):
            p.heading += [f"{act} after each conv"] if act else []
    notes = [" · ".join(notes)]
    if block is None and level == "block":
        kinds = {b.label: default(tree, b.label).name for b in blocks(tree)}
        if len(kinds) > 1:  # say which was drawn, and how to draw the others beside it
            notes.append(f"{len(kinds)} kinds of block: " + ", ".join(f"{k} ({p})" for k, p in kinds.items())
                         + "; --block A,B draws several side by side")
    name = net.name + (f"_{net.variant}" if net.variant else "")
    title = heading(net, tree, scopes[0])
    if len(panels) > 1:
        title = title[:1]
        for p, s in zip(panels, scopes, strict=True):
            p.heading[:0] = heading(net, tree, s)[1:]
    return draw.dot(panels, theme, rankdir, name, title, [n for n in notes if n])


def figure(tree: Tree, scope: Scope, rankdir: str) -> tuple[draw.Panel, str | None, list[str]]:
    """One scope's figure: the panel, the activation after every conv (None: not one), what was left out."""
    b = Builder(tree, scope)
    fill(b, tree, scope)
    fig = b.build()
    tidy.forks(fig)
    act = tidy.uniform_activation(fig)
    if act is None:  # else every conv has the activation after it
        tidy.linear_bottlenecks(fig)
    if rankdir == "LR":
        tidy.lanes(fig)
    g = tree.g
    first = next(j for n in b.keep.values() for j in n.inputs if b.alias.get(j, j) not in b.keep)
    ends = (width(g.input if first < 0 else g.nodes[first].out, first < 0), width(g.nodes[b.last].out, False))
    return draw.Panel(fig, ends, scope.name), act, fig.omitted


def heading(net: Target, tree: Tree, scope: Scope) -> list[str]:
    """The title lines: the network, then the path and what is drawn ('stage1.1 · bottleneck')."""
    if scope.kind == "block":
        what = scope.label
    else:
        what = ", ".join(dict.fromkeys(c.label for c in blocks(tree) if stage_of(tree, c) is scope))
    where = " · ".join(p for p in (scope.name, what if what != scope.name else "") if p)
    return [net.title + (f" ({net.variant})" if net.variant else ""), where or "the whole network"]


__all__ = ["INPUT", "blocks", "build", "default", "find"]
