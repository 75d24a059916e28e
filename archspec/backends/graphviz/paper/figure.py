"""A paper-style figure as boxes and arrows, read off the layer graph: which nodes are drawn, which
fold into one box (an SE gate, a select's attention), which are words beside an arrow (activations).

The figure keeps the layer graph's data flow: every arrow stands for a tensor passed between two
drawn ops, through any ops left out on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archspec.backends.graphviz.hierarchy import Tree
from archspec.backends.graphviz.paper import words
from archspec.graph import Node, Scope

INPUT, OUTPUT = "input", "output"


@dataclass
class Box:
    """A drawn element: ``shape`` is box, circle, text (input/output) or fork (where an arrow splits)."""

    id: str
    text: str
    shape: str = "box"
    fold: str | None = None  # the "×k" frame it sits in
    join: bool = False  # takes several inputs (an add, a concatenation): a shortcut's end
    conv: bool = False


@dataclass
class Link:
    src: str
    dst: str
    notes: list[str] = field(default_factory=list)  # words beside the arrow ('relu')
    identity: bool = False  # a residual's identity shortcut
    arrow: bool = True


@dataclass
class Fold:
    """A frame around a run of identical blocks (or a dense block's layers) drawn once: '×k'."""

    id: str
    label: str
    parent: str | None = None


@dataclass
class Figure:
    boxes: dict[str, Box] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    folds: dict[str, Fold] = field(default_factory=dict)
    omitted: list[str] = field(default_factory=list)  # caption notes: what is not drawn
    acts: set[str] = field(default_factory=set)  # the words of notes that are activations

    def out_links(self, bid: str) -> list[Link]:
        return [lk for lk in self.links if lk.src == bid]

    def in_links(self, bid: str) -> list[Link]:
        return [lk for lk in self.links if lk.dst == bid]


class Builder:
    """Collects the layer-graph nodes a figure draws, then turns them into boxes and links."""

    def __init__(self, tree: Tree, root: Scope) -> None:
        self.tree = tree
        self.g = tree.g
        # Only scopes inside what is drawn fold (a dense layer drawn on its own is not the dense block's
        # first layer; an SE block drawn on its own shows its gate's ops).
        self.depth = tree.depth[root.id] + 1
        self.size = len(tree.nodes_in[root.id])
        self.keep: dict[int, Node] = {}
        self.alias: dict[int, int] = {}  # a folded run's last output -> the drawn block's output
        self.fold_of: dict[int, str] = {}
        self.fig = Figure()
        self.members: dict[str, list[int]] = {}  # box -> the layer nodes drawn in it
        self.last = -1

    # ---- what is drawn ---------------------------------------------------------------------------

    def add(self, nodes: list[Node], fold: str | None = None) -> None:
        """Draw these nodes (in data-flow order); a dense block or ``repeat`` inside: its first pass, framed '×k'."""
        skip: set[int] = set()
        for n in nodes:
            if n.id in skip:
                continue
            rep = self._repeated(n)
            if rep is not None:
                first = [m for m in self.tree.nodes_in[rep.id] if m.name.startswith(f"{rep.name}.0.")]
                count = rep.info.get("layers" if rep.kind == "dense" else "repeats", "?")
                fid = rep.name + ".fold"
                self.fig.folds[fid] = Fold(fid, f"×{count}", fold)
                self.add(first, fid if count != 1 else fold)
                skip |= {m.id for m in self.tree.nodes_in[rep.id]}
                self.alias[self.tree.nodes_in[rep.id][-1].id] = first[-1].id
                continue
            self.keep[n.id] = n
            if fold is not None:
                self.fold_of[n.id] = fold
            self.last = n.id

    def fold_run(self, blocks: list[Scope], fold: str | None = None) -> None:
        """A run of identical blocks: the first drawn, the rest stand behind its '×k'."""
        if len(blocks) > 1:
            fid = blocks[0].name + ".fold"
            self.fig.folds[fid] = Fold(fid, f"×{len(blocks)}", fold)
            fold = fid
        first = self.tree.nodes_in[blocks[0].id]
        self.add(first, fold)
        if len(blocks) > 1:
            self.alias[self.tree.nodes_in[blocks[-1].id][-1].id] = first[-1].id
            self.last = self.tree.nodes_in[blocks[-1].id][-1].id

    def _repeated(self, n: Node) -> Scope | None:
        """The outermost dense or ``repeat`` scope holding ``n`` below what is being drawn, if any."""
        for sid in self.tree.chain[n.id][self.depth:]:
            s = self.g.scopes[sid]
            if s.kind in ("dense", "repeat") and s.name + ".fold" not in self.fig.folds:
                return s
        return None

    # ---- what each drawn node becomes -------------------------------------------------------------

    def _gate(self, n: Node) -> tuple[str, str] | None:
        """A node inside a channel gate (SE) or a select's attention: the box it folds into, and its text."""
        for sid in self.tree.chain[n.id][self.depth:]:
            s = self.g.scopes[sid]
            if len(self.tree.nodes_in[sid]) == self.size:  # the gate is all there is: its ops are the figure
                continue
            if s.kind == "scale":
                pooled = self.tree.nodes_in[sid][0].kind == "pool"
                return s.name + ".gate", "SE" if pooled else "channel scale"
            if s.kind == "select" and not self._in_branch(n, s):
                return s.name + ".select", "select: softmax attention"
        return None

    def _branch(self, j: int, s: Scope) -> int | None:
        """The branch of combinator ``s`` that node ``j`` sits in, if any."""
        scopes = self.g.scopes
        return next((b for b in self.tree.chain[j] if scopes[b].kind == "branch" and scopes[b].parent == s.id), None)

    def _in_branch(self, n: Node, s: Scope) -> bool:
        return self._branch(n.id, s) is not None

    def element(self, n: Node) -> str | None:
        """The box ``n`` is drawn in; None: left out (its note, if any, goes beside the arrow)."""
        gate = self._gate(n)
        if gate is not None:
            bid, text = gate
            self._box(bid, text, n, join=True)
            return bid
        role = words.role(n)
        if role in ("box", "circle"):
            if n.op in words.MERGED and self._feeds_only(n):
                return None
            self._box(n.name, words.box_text(n), n, shape=role, join=n.defn.joins, conv=n.kind == "conv")
            return n.name
        if role == "split":
            # The slices of one tensor across a combinator's branches: one split, as ShuffleNet draws it.
            s = self.g.scopes[n.scope]
            while s.kind == "branch" and s.parent is not None:
                s = self.g.scopes[s.parent]
            bid = f"{self.g.nodes[n.inputs[0]].name if n.inputs[0] >= 0 else INPUT}.split@{s.name}"
            self._box(bid, "channel split", n)
            return bid
        gone = words.OMITTED.get(n.op) if words.note(n) is None else None
        if gone and gone not in self.fig.omitted:  # for the caption: 'BN omitted'
            self.fig.omitted.append(gone)
        return None

    def _box(self, bid: str, text: str, n: Node, **kw: object) -> None:
        self.members.setdefault(bid, []).append(n.id)
        if bid not in self.fig.boxes:
            self.fig.boxes[bid] = Box(bid, text, fold=self.fold_of.get(n.id), **kw)  # type: ignore[arg-type]

    def _feeds_only(self, n: Node) -> bool:
        """A join whose output only goes into joins of its own op (a concatenation into a concatenation)."""
        users = [m for m in self.keep.values() if n.id in m.inputs]
        return bool(users) and all(m.op == n.op for m in users)

    # ---- arrows ---------------------------------------------------------------------------------

    def build(self) -> Figure:
        fig = self.fig
        fig.boxes[INPUT] = Box(INPUT, "", "text")
        self.elem = {i: self.element(n) for i, n in self.keep.items()}
        for i, n in self.keep.items():
            dst = self.elem[i]
            if dst is None:
                continue
            for j in n.inputs:
                for src, notes in self.resolve(j):
                    if src != dst:
                        self.link(src, dst, notes, identity=self._identity(n, j, src))
        fig.boxes[OUTPUT] = Box(OUTPUT, "", "text")
        for src, notes in self.resolve(self.last):
            self.link(src, OUTPUT, notes)
        return fig

    def resolve(self, j: int) -> list[tuple[str, list[str]]]:
        """The drawn boxes value ``j`` comes from, each with the notes of the ops left out on the way."""
        j = self.alias.get(j, j)
        if j not in self.keep:
            return [(INPUT, [])]
        if self.elem[j] is not None:
            return [(self.elem[j], [])]  # type: ignore[list-item]
        n = self.keep[j]
        word = words.note(n)
        if word is not None and n.kind == "act":
            self.fig.acts.add(word)
        out = []
        for i in n.inputs:
            for src, notes in self.resolve(i):
                out.append((src, notes + [word] if word else notes))
        return out

    def _identity(self, n: Node, j: int, src: str) -> bool:
        """Whether input ``j`` of join ``n`` is an identity: the shortcut of the residual ``n`` closes, or
        a branch with nothing drawn in it (RepVGG's, whose batch norm is left out)."""
        s = self.g.scopes[n.scope]
        if not n.defn.joins or j < 0 and s.kind != "residual":
            return False
        if s.kind == "residual":
            return s.info.get("shortcut") == "identity" and (j < 0 or s.id not in self.tree.chain[j])
        branch = self._branch(j, s)
        return branch is not None and not any(branch in self.tree.chain[i] for i in self.members.get(src, ()))

    def link(self, src: str, dst: str, notes: list[str], identity: bool = False) -> None:
        for lk in self.fig.links:
            if lk.src == src and lk.dst == dst:
                lk.notes += [w for w in notes if w not in lk.notes]
                lk.identity |= identity
                return
        self.fig.links.append(Link(src, dst, list(notes), identity))
