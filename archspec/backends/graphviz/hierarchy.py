"""Reading the layer graph's scope tree: what each scope holds, in data-flow order, and when two
blocks are the same block (so a diagram can fold them)."""

from __future__ import annotations

from typing import Any

from archspec.backends.graphviz.labels import op_text
from archspec.backends.graphviz.theme import kind_of
from archspec.graph import Graph, Node, Scope

Item = tuple[Scope | None, list[Node]]  # a child scope and its nodes, or None and a run of direct ops



class Tree:
    """The scope tree with, for every scope, its nodes in data-flow order."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self.depth = [0] * len(g.scopes)
        for s in g.scopes:  # parents come before children
            if s.parent is not None:
                self.depth[s.id] = self.depth[s.parent] + 1
        self.chain: list[tuple[int, ...]] = []
        self.nodes_in: list[list[Node]] = [[] for _ in g.scopes]
        cache: dict[int, tuple[int, ...]] = {}
        for n in g.nodes:
            chain = cache.get(n.scope)
            if chain is None:
                ids = []
                s: Scope | None = g.scopes[n.scope]
                while s is not None:
                    ids.append(s.id)
                    s = g.scopes[s.parent] if s.parent is not None else None
                chain = cache[n.scope] = tuple(reversed(ids))
            self.chain.append(chain)
            for sid in chain:
                self.nodes_in[sid].append(n)

    def scope(self, sid: int) -> Scope:
        return self.g.scopes[sid]

    def stages(self) -> list[Scope]:
        """The network's sections and stages (stem, stage1, ..., head), in order, skipping empty ones."""
        return [self.g.scopes[c] for c in self.g.scopes[0].children if self.nodes_in[c]]

    def items(self, sid: int) -> list[Item]:
        """What a scope holds, in order: child scopes and runs of its own ops."""
        d = self.depth[sid] + 1
        out: list[Item] = []
        prev: int | None = -1
        for n in self.nodes_in[sid]:
            chain = self.chain[n.id]
            child = chain[d] if len(chain) > d else None
            if child != prev:
                out.append((self.g.scopes[child] if child is not None else None, []))
                prev = child
            out[-1][1].append(n)
        return out

    def signature(self, sid: int) -> tuple[Any, ...]:
        """What a scope computes, independent of where it sits: equal signatures, equal blocks."""
        nodes = self.nodes_in[sid]
        if not nodes:
            return ()
        first = nodes[0].id
        ids = {n.id for n in nodes}
        sig: list[Any] = []
        for n in nodes:
            skip = n.defn.varying  # attributes that vary along a stage (drop-path rates grow with depth)
            a = tuple((k, v) for k, v in n.attrs._asdict().items() if k not in skip)
            ins = tuple(i - first if i in ids else "in" for i in n.inputs)
            depth = tuple(self.g.scopes[s].kind for s in self.chain[n.id][self.depth[sid]:])
            sig.append((n.op, n.out, a, ins, depth))
        return tuple(sig)


    def runs(self) -> list[list[Scope]]:
        """Runs of two or more consecutive calls of one block in a stage computing the same thing
        (equal labels and signatures), in order: what a diagram can draw once."""
        out: list[list[Scope]] = []
        for st in self.stages():
            run: list[Scope] = []
            sig: tuple[Any, ...] = ()
            for child, _ in [*self.items(st.id), (None, [])]:
                block = child is not None and child.kind == "block"
                now = self.signature(child.id) if child is not None and block else ()
                if run and child is not None and block and child.label == run[0].label and now == sig:
                    run.append(child)
                    continue
                if len(run) > 1:
                    out.append(run)
                run, sig = ([child], now) if child is not None and block else ([], ())
        return out


def edge_shape(g: Graph, src: int) -> tuple[int, ...]:
    """The shape carried out of node ``src`` (-1: the network input)."""
    return g.input if src < 0 else g.nodes[src].out


# ---- summaries: a scope's main ops as short rows (the stage table, folded blocks) -------------

Row = tuple[str | None, str]  # (diagram kind for the swatch, text)
_MAIN = ("conv", "linear", "pool")


def scale_text(tree: Tree, sc: Scope) -> str:
    """A channel gate in a few words: '⊗ SE 96→24→96'."""
    nodes = tree.nodes_in[sc.id]
    widths = [n.out[0] for n in nodes if n.kind in ("conv", "linear")]
    c = nodes[-1].out[0]
    pooled = nodes[0].kind == "pool" and nodes[0].out[1:] == (1, 1)
    return ("⊗ SE " if pooled else "⊗ scale ") + "→".join(str(w) for w in [c, *widths[:-1], c] if w)


def summary(tree: Tree, sid: int, limit: int = 8, shortcuts: bool = True) -> list[Row]:
    """The main ops of a scope, one row each; blocks inside a section as 'name ×k'; without
    ``shortcuts``, no row for a residual's shortcut (a caller that says what is true of several blocks)."""
    rows: list[Row] = []
    _summarise(tree, tree.scope(sid), rows)
    if not shortcuts:
        rows = [r for r in rows if not (r[1].startswith("⊕ ") and r[1].endswith(" shortcut"))]
    if len(rows) > limit:
        rows = [*rows[:limit - 1], (None, f"… {len(rows) - limit + 1} more")]
    return rows


# How the branches of each combinator but `concat` are joined, as a folded block's last row says it.
_JOINS = {"sum": "⊕ the branches added", "select": "⊗ softmax across the branches, ⊕ weighted",
          "cascade": "⊕ each branch adds the one before"}


def _summarise(tree: Tree, scope: Scope, rows: list[Row]) -> None:
    items = tree.items(scope.id)
    i = 0
    while i < len(items):
        child, nodes = items[i]
        i += 1
        if child is None:
            rows.extend((kind_of(n.op), op_text(n)) for n in nodes if kind_of(n.op) in _MAIN)
        elif child.kind == "block" and scope.kind == "stage" and not scope.info.get("block"):
            k = 1  # a section calling blocks: count consecutive calls of the same block
            while i < len(items) and items[i][0] is not None and items[i][0].kind == "block" and items[i][0].label == child.label:
                k, i = k + 1, i + 1
            rows.append(("block", child.label + (f" ×{k}" if k > 1 else "")))
        elif child.kind in ("block", "residual"):
            _summarise(tree, child, rows)
            kind = child.info.get("shortcut")
            if child.kind == "residual" and kind not in (None, "none"):
                rows.append(("merge", f"⊕ {kind} shortcut"))
        elif child.kind in ("concat", "sum", "select", "cascade"):
            for b in tree.items(child.id):
                if b[0] is not None and b[0].kind == "branch":
                    ops = [op_text(n) for n in b[1] if kind_of(n.op) in _MAIN]
                    ops = ops or [op_text(n) for n in b[1] if kind_of(n.op) == "norm"]  # RepVGG's identity BN
                    rows.append(("merge", "branch: " + (" → ".join(ops) or "identity")))
            if child.kind in _JOINS:
                rows.append(("merge", _JOINS[child.kind]))
        elif child.kind == "scale":
            rows.append(("merge", scale_text(tree, child)))
        elif child.kind in ("dense", "repeat"):
            n = child.info.get("layers" if child.kind == "dense" else "repeats", "?")
            ops = " → ".join(t for _, t in iteration_rows(tree, child))
            rows.append(("block", f"{child.kind} ×{n}: {ops}"))


def iteration_rows(tree: Tree, sc: Scope) -> list[Row]:
    """The main ops of the first pass of a ``dense`` or ``repeat`` (all passes do the same)."""
    prefix = f"{sc.name}.0."
    return [(kind_of(n.op), op_text(n)) for n in tree.nodes_in[sc.id] if n.name.startswith(prefix) and kind_of(n.op) in _MAIN]


# ---- the shortcuts of a stage, all of them (not those of one block standing for the rest) ------

SHORTCUT_KINDS = ("projection", "zeropad", "identity")


def shortcut_counts(tree: Tree, sid: int) -> dict[str, int]:
    """How many residuals inside a scope have each kind of shortcut (identity, projection, zeropad,
    none: a ``when_same`` residual whose shapes differ has no shortcut at all)."""
    out: dict[str, int] = {}
    for s in tree.g.scopes:
        if s.kind != "residual" or not tree.nodes_in[s.id]:
            continue
        p: int | None = s.id
        while p is not None and p != sid:
            p = tree.g.scopes[p].parent
        if p == sid:
            kind = str(s.info.get("shortcut", "none"))
            out[kind] = out.get(kind, 0) + 1
    return out


def shortcut_text(counts: dict[str, int]) -> str | None:
    """'⊕ shortcuts: 1 projection + 2 identity' ('+ 1 none' for residuals left without one); None
    when no residual has a shortcut."""
    if not any(v for k, v in counts.items() if k != "none"):
        return None
    kinds = dict.fromkeys(k for k in (*SHORTCUT_KINDS, *sorted(counts), "none") if k in counts)
    return "⊕ shortcuts: " + " + ".join(f"{counts[k]} {k}" for k in kinds)
