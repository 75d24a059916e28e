"""The steps of a unit's forward, and one forward for units of different structure.

A unit (``modtree``) computes its output from its input through *steps*: its layers and sub-units
(``self.conv1(x)``) and the function ops between them (``out + x``, ``torch.cat``). ``merge`` finds
one forward for several structures of one kind of part — a projection shortcut or none, an expansion
conv or none, a skip or none: a step only some structures have is run under a guard and, where it
does not run, hands its first input on. ``emit`` writes a forward's lines. No torch import here.
"""

from __future__ import annotations

import difflib
import itertools
import keyword
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archspec.backends.modtree import Unit
from archspec.backends.naming import target
from archspec.graph import Node

INPUT = ""  # a step's input that is the unit's own input


def is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def seg(item: Node | Unit) -> str:
    """The attribute a node or unit is registered under in its parent (the torch backend's names, so the
    state_dict keys agree: `stage forward:` becomes `forward_`)."""
    return target(item.name).rsplit(".", 1)[-1]


def attr(owner: str, name: str, index: bool = False) -> str:
    """Python for the attribute ``name`` of ``owner``: ``self.conv1``, ``getattr(self, "0")``; with ``index``
    (the owner is an ``nn.Sequential``) a numbered part as ``self.stage1[0]``."""
    if index and name.isdigit():
        return f"{owner}[{name}]"
    return f"{owner}.{name}" if name.isidentifier() and not keyword.iskeyword(name) else f"getattr({owner}, {name!r})"


@dataclass
class Step:
    """One item of a unit's forward: a layer or a sub-unit (``self.conv1(x)``) or a function op (``out + x``)."""

    seg: str
    inputs: tuple[str, ...]  # segs of earlier steps, or INPUT
    node: Node | None = None  # the layer or function op (None: a sub-unit)
    unit: Unit | None = None
    first: int | None = None  # the operand an accumulating op may overwrite (`out += x`)

    @property
    def call(self) -> bool:
        """A function op in forward (else a module: ``self.seg(x)``)."""
        return self.node is not None and not self.node.defn.module

    @property
    def held(self) -> bool:
        """A function op that reads a parameter of the module, registered as ``self.seg`` (layer scale's γ)."""
        return self.call and self.node.defn.parameter(self.node.attrs) is not None  # type: ignore[union-attr]

    def sig(self) -> tuple[Any, ...]:
        """What must agree between instances for one forward to serve them: a module, or the op with its
        non-numeric attributes."""
        if not self.call:
            return ("module",)
        n = self.node
        assert n is not None
        return (n.op, self.held, tuple((k, "#" if is_num(v) else repr(v)) for k, v in n.attrs._asdict().items()))


@dataclass
class Variant:
    """One structure of a unit: its steps in data-flow order and the step that is its output."""

    steps: list[Step]
    out: str

    def key(self) -> tuple[Any, ...]:
        return tuple((s.seg, s.inputs, s.sig(), s.first) for s in self.steps), self.out


def variant(u: Unit, ok: frozenset[int], shapes: dict[int, tuple[int, ...]]) -> Variant:
    """A unit's steps; ``ok``: the values an op may overwrite (``inplace.overwritable``)."""
    seg_of: dict[int, str] = {u.inp: INPUT}
    steps = []
    used: set[str] = set()
    for it in u.items:
        name = seg(it)
        if isinstance(it, Node) and not it.defn.module and name in used:
            # A function op of a part inlined here (a concat's or select's pass-through branch is one
            # `slice`) may share its name with another: a variable of the forward, so any fresh name.
            k = 2
            while f"{name}_{k}" in used:
                k += 1
            name = f"{name}_{k}"
        used.add(name)
        if isinstance(it, Node):
            first = None
            if not it.defn.module and it.defn.accumulates and len(it.inputs) == 2:
                first = next((k for k, i in enumerate(it.inputs) if i in ok and shapes[i] == it.out), None)
            steps.append(Step(name, tuple(seg_of[i] for i in it.inputs), node=it, first=first))
            seg_of[it.id] = name
        else:
            steps.append(Step(name, (seg_of[it.inp],), unit=it))
            seg_of[it.out] = name
    return Variant(steps, seg_of[u.out])


@dataclass
class MStep:
    """A step of a merged forward, present in some variants; where absent, it hands its first input on.
    A part that sits at different places in different variants (an SE before or after a conv) is one
    step per place, each named apart (``se1``, ``se1#2``)."""

    name: str
    step: Step  # as one variant has it (the op and attributes of a function op)
    inputs: tuple[str, ...]
    present: frozenset[int]
    first: int | None


@dataclass
class _Place:
    seg: str
    sig: tuple[Any, ...]
    members: dict[int, Step]
    name: str = ""


def merge(variants: list[Variant]) -> tuple[list[MStep], str] | None:
    """One forward for every variant, or None when their parts cannot be wired as one. A step reads
    what its variants' steps read where one name serves them all; else a part that exists in some
    variants only and hands the right value on in the others (two alternatives in a row, as ShuffleNet's
    first branch is a slice in one unit and convs in another)."""
    return _merge(variants, False) or _merge(variants, True)


def _merge(variants: list[Variant], chain: bool) -> tuple[list[MStep], str] | None:
    places: list[_Place] = []
    for vi, v in enumerate(variants):
        ours = [(p.seg, p.sig) for p in places]
        theirs = [(st.seg, st.sig()) for st in v.steps]
        merged: list[_Place] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
            if tag == "equal":
                for p, st in zip(places[i1:i2], v.steps[j1:j2], strict=True):
                    p.members[vi] = st
            merged += places[i1:i2]
            if tag != "equal":
                merged += [_Place(st.seg, st.sig(), {vi: st}) for st in v.steps[j1:j2]]
        places = merged
    seen: Counter[str] = Counter()
    for p in places:
        seen[p.seg] += 1
        p.name = p.seg if seen[p.seg] == 1 else f"{p.seg}#{seen[p.seg]}"
    pos = {p.name: i for i, p in enumerate(places)}
    by_name = {p.name: p for p in places}
    name_in = [{p.members[vi].seg: p.name for p in places if vi in p.members} for vi in range(len(variants))]
    chosen: dict[str, tuple[str, ...]] = {}

    def resolve(name: str, vi: int) -> str:
        while name != INPUT and vi not in by_name[name].members:
            name = chosen[name][0]
        return name

    def pick(want: dict[int, str], before: int) -> str | None:
        cands = [*([] if chain else dict.fromkeys(want.values())), *(p.name for p in reversed(places[:before])), INPUT]
        return next((c for c in cands if (c == INPUT or pos[c] < before)
                     and all(resolve(c, vi) == w for vi, w in want.items())), None)

    for i, p in enumerate(places):
        arity = {len(st.inputs) for st in p.members.values()}
        if len(arity) != 1:
            return None
        ins = []
        for j in range(arity.pop()):
            got = pick({vi: name_in[vi].get(st.inputs[j], INPUT) for vi, st in p.members.items()}, i)
            if got is None:
                return None
            ins.append(got)
        chosen[p.name] = tuple(ins)
    out = pick({vi: name_in[vi].get(v.out, INPUT) for vi, v in enumerate(variants)}, len(places))
    if out is None:
        return None
    steps = []
    for p in places:
        firsts = {st.first for st in p.members.values()}
        steps.append(MStep(p.name, p.members[min(p.members)], chosen[p.name], frozenset(p.members),
                           firsts.pop() if len(firsts) == 1 else None))
    return steps, out


@dataclass
class Emit:
    """A line of generated forward: ``name = expr(args)``, under ``guard`` when not empty; ``iop`` (``+=``)
    writes it in place into its first input where that input is read nowhere else."""

    name: str
    inputs: tuple[str, ...]
    expr: Callable[[list[str]], str]
    guard: str = ""
    iop: str | None = None


def emit(steps: list[Emit], outs: list[str], returns_list: bool = False) -> list[str]:
    """The body of a forward: each value in a variable (reused once dead), guarded lines under ``if``."""
    uses: Counter[str] = Counter(i for e in steps for i in e.inputs)
    uses.update(outs)
    names = {INPUT: "x"}
    live = {"x"}
    lines: list[tuple[str, str]] = []
    for e in steps:
        args = [names[i] for i in e.inputs]
        for i in e.inputs:
            uses[i] -= 1
        dead = [names[i] for i in dict.fromkeys(e.inputs) if uses[i] == 0 and names[i] in live]
        live.difference_update(dead)
        first = args[0]
        inplace = e.iop is not None and first in dead
        if e.guard and first not in dead:  # the value stays its input where the guard is false
            var = _fresh(live)
            lines.append(("", f"{var} = {first}"))
        else:
            var = first if (e.guard or inplace) else (dead[0] if dead else _fresh(live))
        text = f"{var} {e.iop} {args[1]}" if inplace else f"{var} = {e.expr(args)}"
        live.add(var)
        names[e.name] = var
        lines.append((e.guard, text))
    result = f"[{', '.join(names[o] for o in outs)}]" if returns_list else names[outs[0]]
    body: list[str] = []
    for i, (guard, text) in enumerate(lines):
        if guard and (i == 0 or lines[i - 1][0] != guard):
            body.append(f"if {guard}:")
        body.append(("    " if guard else "") + text)
    return [*body, f"return {result}"]


def _fresh(live: set[str]) -> str:
    """The first of out, out2, out3, … not in ``live`` (lazily: a sum of 1,000 branches asks 1,000 times)."""
    return next(n for n in itertools.chain(["out"], (f"out{i}" for i in itertools.count(2))) if n not in live)
