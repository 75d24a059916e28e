"""Analysis of a layer graph, with no torch import: shapes, params, MACs, FLOPs and memory.

Totals per layer, per block (the outermost block call) and per stage (stem, stage1…, head).
Parameters and MACs are the op registry's (``archspec.layerops``); the ``flops`` and ``fvcore``
columns are those counting conventions (``archspec.conventions``), read from the same per-op rules;
activation memory counts each layer's output once, at fp32.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from math import prod
from typing import Any

from archspec.graph import Graph
from archspec.layerops import Op
from archspec.layerops.base import _REGISTRY as OPS

BYTES_PER_ELEMENT = 4  # fp32

# What each column counts, stated in every table and JSON document.
COLUMNS = {
    "params": "trainable parameters (weights and biases, norm affine), buffers excluded",
    "macs": "multiply-accumulates of conv and linear layers, bias excluded (the papers' 'FLOPs')",
    "flops": "all floating-point ops, a MAC counted as 2, plus bias, norm, activation, pool, add, mul",
    "fvcore": "fvcore FlopCountAnalysis total: conv+linear MACs, batch_norm and adaptive pool inputs",
    "activations": "output elements of every layer per sample; bytes at fp32",
}


@dataclass(slots=True)
class Layer:
    path: str
    op: str
    out: tuple[int, ...]
    params: int
    macs: int
    flops: int
    fvcore: int
    activations: int
    stage: str
    block: str | None
    attrs: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["out"] = list(self.out)
        d["attrs"] = self.attrs._asdict()  # asdict keeps a NamedTuple a tuple
        d["activation_bytes"] = self.activations * BYTES_PER_ELEMENT
        return d


@dataclass(slots=True)
class Totals:
    """Aggregate over a group of layers (a block, a stage, the network)."""

    name: str
    kind: str = ""
    label: str = ""
    out: tuple[int, ...] = ()
    params: int = 0
    macs: int = 0
    flops: int = 0
    fvcore: int = 0
    activations: int = 0
    layers: int = 0
    info: dict[str, Any] = field(default_factory=dict)

    def add(self, layer: Layer) -> None:
        self.params += layer.params
        self.macs += layer.macs
        self.flops += layer.flops
        self.fvcore += layer.fvcore
        self.activations += layer.activations
        self.layers += 1
        self.out = layer.out

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["out"] = list(self.out)
        d["activation_bytes"] = self.activations * BYTES_PER_ELEMENT
        return d


@dataclass(slots=True)
class Analysis:
    layers: list[Layer]
    stages: list[Totals]
    blocks: list[Totals]
    total: Totals
    peak_activations: int  # largest single layer output, per sample


def analyze(g: Graph) -> Analysis:
    """Cost every node and aggregate by block and stage."""
    shapes = {n.id: n.out for n in g.nodes}
    shapes[-1] = g.input
    stages: dict[int, Totals] = {}
    blocks: dict[int, Totals] = {}
    total = Totals(g.name, "network", g.name)
    layers: list[Layer] = []
    peak = 0
    scopes = g.scopes
    # Stage and outermost block of each scope, computed once per scope rather than per node.
    stage_of: list[int] = [0] * len(scopes)
    block_of: list[int | None] = [None] * len(scopes)
    for s in scopes:
        if s.parent is None:
            continue
        parent = scopes[s.parent]
        stage_of[s.id] = s.id if s.kind == "stage" else stage_of[parent.id]
        outer = block_of[parent.id]
        block_of[s.id] = outer if outer is not None else (s.id if s.kind == "block" else None)
    table, new = OPS, tuple.__new__
    # The rules are pure: a node the lowering found equal to one already counted (``Node.twin``: the
    # repeats of a block) reuses its counts.
    seen: dict[Any, tuple[int, int]] = {}
    for n in g.nodes:
        key = n.twin if n.twin >= 0 else -1 - n.id  # a node of its own: a key no twin number has
        counted = seen.get(key)
        if counted is None:
            ins = tuple([shapes[i] for i in n.inputs])
            defn = table[n.op]
            op = new(Op, (defn, n.attrs, ins, n.out, n.macs))  # Op(...) without its Python-level __new__
            fl = fv = 0
            rules = defn.counts  # a missing rule goes through count(): one located error naming op and convention
            for _, v in rules["flops"](op) if "flops" in rules else defn.count("flops", op, n.span):
                fl += v
            for _, v in rules["fvcore"](op) if "fvcore" in rules else defn.count("fvcore", op, n.span):
                fv += v
            counted = seen[key] = (fl, fv)
        fl, fv = counted
        acts = prod(n.out)
        peak = max(peak, acts)
        st = scopes[stage_of[n.scope]]
        bid = block_of[n.scope]
        layer = Layer(
            n.name, n.op, n.out, n.params, n.macs, fl, fv, acts, st.name, scopes[bid].name if bid is not None else None, n.attrs
        )
        layers.append(layer)
        total.add(layer)
        if st.id not in stages:
            stages[st.id] = Totals(st.name, "stage", st.label, info=dict(st.info))
        stages[st.id].add(layer)
        if bid is not None:
            if bid not in blocks:
                b = scopes[bid]
                blocks[bid] = Totals(b.name, "block", b.label, info=dict(b.info))
            blocks[bid].add(layer)
    return Analysis(layers, list(stages.values()), list(blocks.values()), total, peak)


class Analysed:
    """The totals and tables of an analysed layer graph, read from ``self.graph`` and ``self.analysis``
    (shared by ``Network`` and the backends' ``Target``)."""

    graph: Graph
    analysis: Analysis

    @property
    def input(self) -> tuple[int, int, int]:
        return self.graph.input

    @property
    def output(self) -> tuple[int, ...]:
        return self.graph.output_shape

    @property
    def params(self) -> int:
        return self.analysis.total.params

    @property
    def macs(self) -> int:
        return self.analysis.total.macs

    @property
    def flops(self) -> int:
        return self.analysis.total.flops

    @property
    def fvcore(self) -> int:
        return self.analysis.total.fvcore

    @property
    def activations(self) -> int:
        return self.analysis.total.activations

    @property
    def layers(self) -> list[Layer]:
        return self.analysis.layers

    @property
    def stages(self) -> list[Totals]:
        return self.analysis.stages

    @property
    def blocks(self) -> list[Totals]:
        return self.analysis.blocks
