"""Constructor templates for the generated source: what one class's ``__init__`` builds for all its
instances, with the numbers (and layers) that differ between instances left as holes.

Each instance's part is an *expression*: a layer (``nn.Conv2d(64, 64, 3, padding=1)``), a parameter,
an instance of another class, or an ``nn.Sequential`` of expressions. ``unify`` lays the instances'
expressions over each other: what agrees is written as it is, what differs becomes a ``Hole`` (a
number, a flag, a layer's class, or at worst the whole part) that the class takes as an argument. A
numbered Sequential whose length differs (VGG's repeated convs, DenseNet's layers) becomes
``nn.Sequential(*[... for i in range(n)])`` when each number in it is constant, ``a + d * i``, or
``first if i == 0 else rest`` along it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archspec.backends.steps import is_num


class _Any:
    """An argument value an instance does not use (its class's default stands): it agrees with anything."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


@dataclass
class Leaf:
    """One layer: its class and constructor arguments (name, value, positional, default)."""

    cls: str
    args: list[tuple[str, Any, bool, Any]]


@dataclass
class Param:
    """A parameter held by the class (layer scale's γ): its shape and starting value."""

    dims: tuple[int, ...]
    init: float


@dataclass
class Inst:
    """An instance of another generated class: ``spec.call(unit)`` gives its arguments."""

    spec: Any
    unit: Any


@dataclass
class Seq:
    """An ``nn.Sequential`` of named (or numbered) parts."""

    items: list[tuple[str, Any]]


@dataclass(eq=False)
class Hole:
    """A value that differs between instances: ``values`` by instance; ``what`` is num, value, class or
    module; ``hint`` names it (the constructor argument's name), ``where`` the part it belongs to."""

    values: dict[Any, Any]
    what: str
    hint: str
    where: str


@dataclass
class Fun:
    """A number along a repeated Sequential, in its index ``i``: const (a), affine (a + d·i), first (a if i == 0 else d)."""

    kind: str
    parts: list[Any]  # values or Holes


@dataclass
class TLeaf:
    cls: Any  # str or Hole
    args: list[tuple[str, Any, bool, Any]]


@dataclass
class TParam:
    dims: list[Any]
    init: Any


@dataclass
class TInst:
    spec: Any
    args: dict[str, Any]


@dataclass
class TSeq:
    items: list[tuple[str, Any]]


@dataclass
class TRep:
    n: Any
    item: Any
    funs: dict[int, Fun] = field(default_factory=dict)  # id of a hole inside item → its function of i


def value(values: dict[Any, Any], hint: str, where: str) -> Any:
    """One value where every instance agrees (and is of one type), else a Hole; ANY agrees with anything."""
    values = {k: v for k, v in values.items() if v is not ANY}
    if not values:
        return ANY
    vs = list(values.values())
    if all(v == vs[0] and type(v) is type(vs[0]) for v in vs):
        return vs[0]
    what = "num" if all(is_num(v) for v in vs) else "value"
    return Hole(dict(values), what, hint, where)


def unify(pairs: list[tuple[Any, Any]], where: str) -> Any:
    """One template for the expressions of a part in several instances (``pairs``: instance key, expression)."""
    es = [e for _, e in pairs]
    first = es[0]
    if all(isinstance(e, Leaf) for e in es) and len({tuple(a[0] for a in e.args) for e in es}) == 1:
        cls = value({k: e.cls for k, e in pairs}, "layer", where)
        if isinstance(cls, Hole):
            cls.what = "class"
        args = [(name, value({k: e.args[j][1] for k, e in pairs}, name, where), pos, default)
                for j, (name, _, pos, default) in enumerate(first.args)]
        return TLeaf(cls, args)
    if all(isinstance(e, Param) for e in es) and len({len(e.dims) for e in es}) == 1:
        dims = [value({k: e.dims[j] for k, e in pairs}, f"dim{j}", where) for j in range(len(first.dims))]
        return TParam(dims, value({k: e.init for k, e in pairs}, "init", where))
    if all(isinstance(e, Inst) and e.spec is first.spec for e in es):
        calls = {k: e.spec.call(e.unit) for k, e in pairs}
        return TInst(first.spec, {p: value({k: c[p] for k, c in calls.items()}, p, where) for p in first.spec.arg_names})
    if all(isinstance(e, Seq) for e in es):
        names = {tuple(n for n, _ in e.items) for e in es}
        if len(names) == 1:
            return TSeq([(n, unify([(k, e.items[j][1]) for k, e in pairs], f"{where}.{n}"))
                         for j, (n, _) in enumerate(first.items)])
        if all(n == tuple(str(i) for i in range(len(n))) for n in names):
            rep = _repeat(pairs, where)
            if rep is not None:
                return rep
    return Hole({k: e for k, e in pairs}, "module", where.rsplit(".", 1)[-1], where)


def _repeat(pairs: list[tuple[Any, Seq]], where: str) -> TRep | None:
    """A numbered Sequential of varying length as one comprehension, or None."""
    flat = [((k, i), item) for k, e in pairs for i, (_, item) in enumerate(e.items)]
    if not flat:
        return None
    item = unify(flat, f"{where}[i]")
    n = value({k: len(e.items) for k, e in pairs}, "n", where)
    rep = TRep(n, item)
    for h in holes(item):
        if h.what != "num":
            return None
        seqs = {k: [h.values[(k, i)] for i in range(len(e.items))] for k, e in pairs}
        fun = _fun(seqs, h)
        if fun is None:
            return None
        rep.funs[id(h)] = fun
    return rep


def _fun(seqs: dict[Any, list[Any]], h: Hole) -> Fun | None:
    """The number as a function of i: constant, first-then-the-rest (VGG's convs), or affine (DenseNet's)."""
    if all(all(v == s[0] for v in s) for s in seqs.values()):
        return Fun("const", [value({k: s[0] for k, s in seqs.items()}, h.hint, h.where)])
    if all(all(v == s[-1] for v in s[1:]) for s in seqs.values()):
        return Fun("first", [value({k: s[0] for k, s in seqs.items()}, f"first_{h.hint}", h.where),
                             value({k: s[-1] if len(s) > 1 else ANY for k, s in seqs.items()}, h.hint, h.where)])
    if all(isinstance(v, int) for s in seqs.values() for v in s):
        steps = {k: (s[1] - s[0] if len(s) > 1 else ANY) for k, s in seqs.items()}
        if all(v == s[0] + i * steps[k] for k, s in seqs.items() for i, v in enumerate(s) if i):
            return Fun("affine", [value({k: s[0] for k, s in seqs.items()}, h.hint, h.where),
                                  value(steps, f"{h.hint}_step", h.where)])
    return None


def holes(t: Any) -> list[Hole]:
    """The holes of a template, in order (a repeated Sequential's: its count and its functions' parts)."""
    if isinstance(t, Hole):
        return [t]
    if isinstance(t, TLeaf):
        return [h for v in [t.cls, *(a[1] for a in t.args)] for h in holes(v)]
    if isinstance(t, TParam):
        return [h for v in [*t.dims, t.init] for h in holes(v)]
    if isinstance(t, TInst):
        return [h for v in t.args.values() for h in holes(v)]
    if isinstance(t, TSeq):
        return [h for _, v in t.items for h in holes(v)]
    if isinstance(t, TRep):
        return [*holes(t.n), *(h for f in t.funs.values() for p in f.parts for h in holes(p))]
    return []
