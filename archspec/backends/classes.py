"""The classes of a compiled module tree: one per kind of part, each with one ``forward``.

Every unit of the module tree (``modtree``) that is a chain and no block call becomes an
``nn.Sequential`` (stages, the stem, the head, a projection shortcut). Every other unit is an instance
of a class named after its kind: the block's name (``bottleneck`` → ``Bottleneck``), a combinator's
(``Branch``), the network's (``ResNet50``). Instances of one kind may differ in structure — a
projection shortcut or none, an expansion conv or none, a skip or none — so a class's ``forward`` is
the merge of its instances' (``merge``): a part only some instances have is guarded as torchvision
guards ``downsample`` (``if self.shortcut is not None:``), a function op only some have by a flag
(``if self.skip:``), and a number of a function op that differs between instances is read from the
instance (``self.pad``). A kind whose instances cannot share one forward (their parts wired
differently) gets one class per structure, numbered (``Fire``, ``Fire2``).

Both the torch module (``backends.torch``) and the generated source (``backends.pysource``) use these
classes.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archspec.backends.inplace import overwritable
from archspec.backends.modtree import Unit, units
from archspec.backends.naming import class_name, reserved
from archspec.backends.steps import Emit, MStep, Step, Variant, attr, emit, is_num, merge, seg, variant
from archspec.graph import Graph, Node, Scope

# Names generated code uses (imports, archspec's helper layers and functions): no class may take them.
TAKEN = {"torch", "nn", "F", "OrderedDict", "self", "x", "super", "StochasticDepth", "LayerNorm2d", "zeropad_shortcut",
         "channel_shuffle"} | set(dir(builtins)) | set(keyword.kwlist)

@dataclass
class Kind:
    """A class of the module tree: its instances, their merged forward, and what each instance holds."""

    name: str
    label: str
    doc: str
    units: list[Unit]
    variants: list[Variant]
    of: dict[str, int]  # unit path → its variant
    own: dict[str, dict[str, Step]]  # unit path → its steps by name (its own nodes)
    steps: list[MStep]
    out: str
    flags: dict[frozenset[int], str] = field(default_factory=dict)  # presence → flag attribute
    slots: dict[tuple[str, str], str] = field(default_factory=dict)  # (step, attribute of its op) → attribute
    forward: list[str] = field(default_factory=list)
    helpers: set[str] = field(default_factory=set)

    def instance(self, u: Unit) -> dict[str, Any]:
        """What an instance holds besides its layers: None for the parts it lacks, its flags, its numbers."""
        vi = self.of[u.path]
        out: dict[str, Any] = {}
        held = {m.step.seg for m in self.steps if vi in m.present}
        for m in self.steps:
            if m.step.seg not in held and (not m.step.call or m.step.held):
                out[m.step.seg] = None
        for present, flag in self.flags.items():
            out[flag] = vi in present
        own = self.own[u.path]
        for (name, fld), a in self.slots.items():
            s = own.get(name) or next(m.step for m in self.steps if m.step.seg == name)
            out[a] = getattr(s.node.attrs, fld)  # type: ignore[union-attr]
        return out


def self_ref(name: str) -> str:
    return attr("self", name)


def _forward(k: Kind, g: Graph) -> None:
    """The class's forward body, its flags and its per-instance numbers."""
    taken = {m.step.seg for m in k.steps} | set(reserved())  # no flag may shadow a part or a module attribute
    everywhere = frozenset(range(len(k.variants)))
    owners: dict[str, set[int]] = {}  # a part's name → the variants that have it, at any place
    for m in k.steps:
        owners.setdefault(m.step.seg, set()).update(m.present)
    guards: dict[str, str] = {}
    for i, m in enumerate(k.steps):
        s = m.step
        if m.present == everywhere:
            continue
        if (not s.call or s.held) and owners[s.seg] == m.present:
            guards[m.name] = f"{self_ref(s.seg)} is not None"
            continue
        if m.present not in k.flags:
            n = s.node
            if n is not None and n.defn.accumulates and g.scopes[n.scope].kind == "residual":
                want = "skip"
            elif s.call:
                want = f"has_{s.seg}"
            else:  # a part at one of its places
                want = f"{s.seg}_after_{k.steps[i - 1].step.seg}" if i else f"{s.seg}_first"
            k.flags[m.present] = _free(want, taken)
        guards[m.name] = f"self.{k.flags[m.present]}"
        if (not s.call or s.held) and owners[s.seg] != everywhere:  # TorchScript compiles no call of a None
            guards[m.name] = f"{self_ref(s.seg)} is not None and {guards[m.name]}"
    for m in k.steps:
        n0 = m.step.node
        if not m.step.call or n0 is None:
            continue
        for fld, v in n0.attrs._asdict().items():
            if not is_num(v) or (m.step.seg, fld) in k.slots or not _written(n0, fld):
                continue
            values = {getattr(s.node.attrs, fld) for own in k.own.values() if (s := own.get(m.step.seg)) is not None}
            if len(values) > 1:
                k.slots[(m.step.seg, fld)] = _free(fld if fld not in taken else f"{m.step.seg}_{fld}", taken)
    lines = []
    for m in k.steps:
        e = Emit(m.name, m.inputs, expr(m.step, k.slots, k.helpers), guards.get(m.name, ""), iop(m.step, m.first))
        if m.first not in (None, 0):  # the operand written into goes first
            e.inputs = (e.inputs[m.first], *(i for j, i in enumerate(e.inputs) if j != m.first))  # type: ignore[index]
        lines.append(e)
    k.forward = emit(lines, [k.out])


def _written(n: Node, fld: str) -> bool:
    """Whether a function op's forward source writes the attribute (layer scale's width it does not)."""
    marker = "__archspec_marker__"
    args = ["a", "b", "c"][: max(1, len(n.inputs))]
    try:
        return marker in n.defn.python(n.attrs._replace(**{fld: marker}), [*args, "p"])
    except (TypeError, ValueError, ArithmeticError):  # the source computes with it: it is written
        return True


def _free(name: str, taken: set[str]) -> str:
    while name in taken or keyword.iskeyword(name) or not name.isidentifier():
        name += "_"
    taken.add(name)
    return name


def expr(s: Step, slots: dict[tuple[str, str], str], helpers: set[str], owner: str = "self",
         index: bool = False) -> Callable[[list[str]], str]:
    """The expression of a step, given its arguments' variables (``index``: the owner is a Sequential)."""
    if not s.call:
        return lambda args: f"{attr(owner, s.seg, index)}({args[0]})"
    n = s.node
    assert n is not None
    helpers.update(n.defn.python_helpers)
    sym = {fld: f"self.{a}" for (name, fld), a in slots.items() if name == s.seg}
    attrs = n.attrs._replace(**sym) if sym else n.attrs
    held = [attr(owner, s.seg, index)] if s.held else []
    return lambda args: n.defn.python(attrs, [*args, *held])


def iop(s: Step, first: int | None) -> str | None:
    """``+=`` for an accumulating op allowed to overwrite an operand (as torchvision writes `out += identity`)."""
    if first is None or s.node is None:
        return None
    text = s.node.defn.python(s.node.attrs, ["a", "b"])
    return "+=" if text == "a + b" else "*=" if text == "a * b" else None


# ---- the plan: every unit's class ---------------------------------------------------------------


@dataclass
class Plan:
    """The module tree's classes: ``kinds[path]`` for a unit that is an instance of one, none for a Sequential."""

    root: Unit
    kinds: dict[str, Kind]
    order: list[Kind]  # definition order: a class after the classes its parts use
    scopes: dict[str, Scope]
    variants: dict[str, Variant]  # every unit's own steps, by path


def sequential(u: Unit, scopes: dict[str, Scope]) -> bool:
    """Whether a unit is an ``nn.Sequential``: a chain that is no block call (a block is its class's instance)."""
    s = scopes.get(u.path)
    return u.chain and bool(u.path) and not (s is not None and s.kind == "block") and not (
        {seg(k) for k in u.items} & _SEQUENTIAL_ATTRS)


_SEQUENTIAL_ATTRS = {"append", "extend", "insert", "pop"}


def label(g: Graph, scopes: dict[str, Scope], u: Unit) -> tuple[str, str]:
    """What kind of part a unit is, and the class name that kind gets."""
    s = scopes.get(u.path)
    if not u.path:
        return "network", class_name(g.name)
    if s is not None and s.kind in ("block", "stage"):
        return f"{s.kind}:{s.label}", class_name(s.label)
    parent = scopes.get(u.path.rsplit(".", 1)[0]) if "." in u.path else None
    base = s.kind if s is not None else (parent.kind + "_step" if parent is not None else "part")
    return base, class_name(base)


def doc(g: Graph, scopes: dict[str, Scope], u: Unit, kinds: list[str]) -> str:
    """The class's docstring: what the kind is, and the shortcuts its instances take."""
    s = scopes.get(u.path)
    if not u.path:
        return f"The `{g.name}` network."
    if s is not None and s.kind == "block":
        words = {"zeropad": "zero-padding", "none": "no"}
        extra = f" ({' or '.join(words.get(k, k) for k in kinds)} shortcut)" if kinds else ""
        return f"The `{s.label}` block{extra}."
    if s is None:
        parent = scopes.get(u.path.rsplit(".", 1)[0])
        return f"One step of a `{parent.kind}`." if parent is not None else f"The `{u.name}` part of the network."
    return f"The `{s.label}` {s.kind}."


def _shortcuts(g: Graph, scopes: dict[str, Scope], us: list[Unit]) -> list[str]:
    found: list[str] = []
    for u in us:
        s = scopes.get(u.path)
        for c in s.children if s is not None else []:
            kind = g.scopes[c].info.get("shortcut") if g.scopes[c].kind == "residual" else None
            if kind and kind not in found:
                found.append(kind)
    order = ["identity", "projection", "zeropad", "none"]
    return sorted(found, key=lambda k: order.index(k) if k in order else len(order))


def plan(g: Graph, taps: tuple[int, ...] = ()) -> Plan:
    """Every unit's class. ``taps``: values read from outside (feature maps), which nothing overwrites."""
    root = units(g)
    scopes: dict[str, Scope] = {}
    for s in g.scopes:
        scopes.setdefault(s.name, s)
    ok = overwritable(g, taps)
    shapes = {n.id: n.out for n in g.nodes}
    groups: dict[str, list[Unit]] = {}
    names: dict[str, str] = {}
    post: list[Unit] = []

    def walk(u: Unit) -> None:
        for k in u.items:
            if isinstance(k, Unit):
                walk(k)
        post.append(u)

    walk(root)
    index = {u.path: i for i, u in enumerate(post)}
    own_variant = {u.path: variant(u, ok, shapes) for u in post}
    for u in post:
        if sequential(u, scopes):
            continue
        key, name = label(g, scopes, u)
        groups.setdefault(key, []).append(u)
        names[key] = name
    kinds: dict[str, Kind] = {}
    taken = set(TAKEN)
    made: list[Kind] = []
    for key, us in groups.items():
        vs: dict[Any, tuple[Variant, list[Unit]]] = {}
        own: dict[str, dict[str, Step]] = {}
        for u in us:
            v = own_variant[u.path]
            own[u.path] = {s.seg: s for s in v.steps}
            vs.setdefault(v.key(), (v, []))[1].append(u)
        # Structures that merge share a class; the first class takes the plain name, the rest a number.
        classes: list[tuple[list[Variant], list[list[Unit]], tuple[list[MStep], str]]] = []
        for v, members in sorted(vs.values(), key=lambda vm: -len(vm[1])):
            for i, (vlist, groups_of, _) in enumerate(classes):
                m = merge([*vlist, v])
                if m is not None:
                    classes[i] = ([*vlist, v], [*groups_of, members], m)
                    break
            else:
                one = merge([v])
                assert one is not None
                classes.append(([v], [members], one))
        for vlist, members, (steps, out) in classes:
            flat = sorted((u for ms in members for u in ms), key=lambda u: index[u.path])
            k = Kind(_free_class(names[key], taken), key, doc(g, scopes, flat[0], _shortcuts(g, scopes, flat)), flat,
                     vlist, {u.path: i for i, ms in enumerate(members) for u in ms}, {u.path: own[u.path] for u in flat},
                     steps, out)
            _forward(k, g)
            made.append(k)
            for u in flat:
                kinds[u.path] = k
    return Plan(root, kinds, _definition_order(made, kinds, scopes), scopes, own_variant)


def _free_class(name: str, taken: set[str]) -> str:
    out = name
    i = 2
    while out in taken:
        out = f"{name}{i}"
        i += 1
    taken.add(out)
    return out


def _definition_order(made: list[Kind], kinds: dict[str, Kind], scopes: dict[str, Scope]) -> list[Kind]:
    """Classes after the classes their parts use (a Sequential's parts are its owner's)."""
    def uses(u: Unit) -> list[Kind]:
        out = []
        for it in u.items:
            if isinstance(it, Unit):
                out += [kinds[it.path]] if it.path in kinds else uses(it)
        return out

    order: list[Kind] = []
    seen: set[int] = set()

    def visit(k: Kind) -> None:
        if id(k) in seen:
            return
        seen.add(id(k))
        for u in k.units:
            for d in uses(u):
                visit(d)
        order.append(k)

    for k in made:
        visit(k)
    return order
