"""A compiled network as a feature extractor: its forward returns the tapped maps (``archspec.features``).

The module holds the network's own parts up to the last tap (the same objects, under the same names,
so its ``state_dict`` is the network's, less what follows the last tap) and a generated forward that
runs them in order. A part with a tap inside it (``stage3.1`` inside ``stage3``) has its steps written
out in that forward, calling its parts (``self.stage3[1]``); every other part is called whole. It
returns the maps in the order asked for, and says what they are in ``feature_info``, as timm does.
"""

from __future__ import annotations

from torch import nn

from archspec.backends.classes import Plan, expr, iop
from archspec.backends.modtree import Unit
from archspec.backends.steps import INPUT, Emit, attr, emit
from archspec.backends.tree import forward_source, klass
from archspec.features import Tap, info
from archspec.graph import Node


def forward_lines(p: Plan, found: list[Tap]) -> tuple[list[str], set[str]]:
    """The feature forward's body, and the network's top-level parts it calls."""
    wanted = {t.value for t in found}
    left = set(wanted)
    inside: dict[str, set[int]] = {}  # a unit's path → the values made inside it

    def made(u: Unit) -> set[int]:
        if u.path not in inside:
            inside[u.path] = set()
            for it in u.items:
                inside[u.path] |= {it.id} if isinstance(it, Node) else made(it)
        return inside[u.path]

    lines: list[Emit] = []
    names: dict[int, str] = {}  # a value → its name in the forward
    used: set[str] = set()
    helpers: set[str] = set()  # the generated module's namespace has every helper
    sequentials = {path for path in p.variants if path not in p.kinds}

    def write(u: Unit, owner: str, inp: str) -> str:
        local = {INPUT: inp}
        v = p.variants[u.path]
        for st in v.steps:
            if not left:
                break
            ins = tuple(local[i] for i in st.inputs)
            if owner == "self":
                used.add(st.seg)
            if st.unit is not None and (made(st.unit) - {st.unit.out}) & left:
                local[st.seg] = write(st.unit, attr(owner, st.seg, index=u.path in sequentials), ins[0])
                value = st.unit.out
            else:
                value = st.node.id if st.node is not None else st.unit.out  # type: ignore[union-attr]
                name = st.node.name if st.node is not None else st.unit.path  # type: ignore[union-attr]
                e = Emit(name, ins, expr(st, {}, helpers, owner, index=u.path in sequentials), "", iop(st, st.first))
                if st.first not in (None, 0):
                    e.inputs = (ins[st.first], *(i for j, i in enumerate(ins) if j != st.first))  # type: ignore[index]
                lines.append(e)
                local[st.seg] = name
            names[value] = local[st.seg]
            left.discard(value)
        return local.get(v.out, "")  # "" where the last tap came first: nothing reads it

    write(p.root, "self", INPUT)
    return emit(lines, [names[t.value] for t in found], returns_list=True), used


def feature_module(net: nn.Module, p: Plan, found: list[Tap]) -> nn.Module:
    """``net`` (the compiled network) as a module whose forward returns the tapped maps, as a list."""
    lines, used = forward_lines(p, found)
    name = f"{type(net).__name__}Features"
    doc = f"The feature maps of `{type(net).__name__}` at {', '.join(t.path for t in found)}."
    m = klass(name, doc, forward_source(lines, returns="list[torch.Tensor]"))()
    for key, child in net.named_children():
        if key in used:
            m.add_module(key, child)
    for key, param in net.named_parameters(recurse=False):
        if key in used:
            m.register_parameter(key, param)
    m.feature_info = info(found)
    m.train(net.training)
    return m
