"""One class of the generated source: its constructor's arguments, the parts it builds, and when.

A class (``backends.classes.Kind``) has instances that differ in numbers and in structure. Its parts
are laid over each other (``templates.unify``); every hole becomes a constructor argument, named after
the block's own argument where the values match (``c``, ``s``, ``t``, ``hidden``), else ``in_c`` /
``out_c``, else a multiple of one (``c * 4``), else after the layer's argument (``stride``,
``conv2_stride``). A part that only some instances have is built under a condition on the arguments
(``if in_c != out_c``), found by trying simple comparisons of the arguments and the block's values;
where none separates the instances, a flag argument says it. Forward flags (``self.skip``) and the
numbers a forward reads (``self.stop``) are set the same way.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass, field
from typing import Any

from archspec.backends.classes import TAKEN, Kind
from archspec.backends.steps import is_num
from archspec.backends.templates import ANY, Hole, Inst, Leaf, Param, Seq, holes, unify

NONE = object()  # an argument without a default


class Raw(str):
    """Source text written as it is (a class name, a module expression), never quoted."""

    def __repr__(self) -> str:
        return str(self)


@dataclass
class Arg:
    """A constructor argument: its values per instance (index → value) and its default, if any."""

    name: str
    column: dict[int, Any]
    what: str
    default: Any = NONE

    def type(self) -> str:
        vs = list(self.column.values())
        if self.what in ("class", "module"):
            kind = "type[nn.Module]" if self.what == "class" else "nn.Module"
            return f"{kind} | None" if self.default is None else kind
        if all(isinstance(v, bool) for v in vs):
            return "bool"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in vs):
            return "int"
        if all(is_num(v) for v in vs):
            return "float"
        kinds = {type(v).__name__ for v in vs}
        return kinds.pop() if len(kinds) == 1 and kinds <= {"tuple", "str"} else "object"


@dataclass
class Place:
    """One assignment in ``__init__``: a part, the instances that have it there, and its template."""

    seg: str
    present: frozenset[int]
    template: Any
    cond: str = ""


def _eq(a: Any, b: Any) -> bool:
    """Equal, a flag never equal to a number (True == 1 in Python)."""
    return isinstance(a, bool) == isinstance(b, bool) and bool(a == b)


@dataclass
class PyClass:
    """A generated class: ``arg_names`` its constructor's arguments, ``call(unit)`` an instance's values."""

    kind: Kind
    infos: list[dict[str, Any]]  # per instance: the block's values, in_c, out_c
    concrete: Any  # expression → source text (module holes' values at the call sites)
    args: list[Arg] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)  # id(hole) → its source in __init__
    extra: list[str] = field(default_factory=list)  # flags and numbers the forward reads
    kept: list[Hole] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def arg_names(self) -> list[str]:
        return [a.name for a in self.args]

    def index(self, unit: Any) -> int:
        return self.kind.units.index(unit)

    def call(self, unit: Any) -> dict[str, Any]:
        """The argument values of one instance (an argument it does not use: its default)."""
        i = self.index(unit)
        return {a.name: a.column.get(i, ANY) for a in self.args}

    # ---- building ---------------------------------------------------------------------------

    def build(self, parts: list[list[tuple[str, Any]]]) -> None:
        """Lay the instances' parts (per instance: attribute, expression) over each other."""
        places: list[tuple[str, str, dict[int, Any]]] = []
        for i, items in enumerate(parts):
            ours = [(s, tag) for s, tag, _ in places]
            theirs = [(s, _tag(e)) for s, e in items]
            merged = []
            for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
                if op == "equal":
                    for (_s, _t, m), (_, e) in zip(places[a1:a2], items[b1:b2], strict=True):
                        m[i] = e
                merged += places[a1:a2]
                if op != "equal":
                    merged += [(s, _tag(e), {i: e}) for s, e in items[b1:b2]]
            places = merged
        for s, _, members in places:
            self.places.append(Place(s, frozenset(members), unify(sorted(members.items()), s)))
        for p in self.places:
            for h in holes(p.template):
                self.text(h)
        everywhere = frozenset(range(len(parts)))
        for p in self.places:
            if p.present != everywhere:
                p.cond = self.condition({i: i in p.present for i in everywhere}, f"with_{p.seg}")
        for (step, fld), attr in self.kind.slots.items():
            column = {}
            for i, u in enumerate(self.kind.units):
                st = self.kind.own[u.path].get(step)
                if st is not None:
                    column[i] = getattr(st.node.attrs, fld)  # type: ignore[union-attr]
            self.extra.append(f"self.{attr} = {self.text(Hole(column, 'num', attr, step))}")
        for present, flag in self.kind.flags.items():
            want = {i: self.kind.of[u.path] in present for i, u in enumerate(self.kind.units)}
            self.extra.append(f"self.{flag} = {self.condition(want, flag)}")

    def text(self, h: Hole) -> str:
        """The source of a hole: an argument (found or new), or an expression of one."""
        if id(h) in self.texts:
            return self.texts[id(h)]
        self.kept.append(h)  # its id keys `texts`: it must outlive the class's building
        col = h.values
        found = None
        if h.what in ("num", "value"):
            found = next((a.name for a in self.args if self._full(a) and all(_eq(a.column[i], v) for i, v in col.items())),
                         None)
            if found is None:
                key = next((k for k in self._keys() if all(_eq(self.infos[i].get(k), v) for i, v in col.items())), None)
                if key is not None:
                    found = self._arg(key, {i: info[key] for i, info in enumerate(self.infos)}, h.what)
            if found is None and h.what == "num":
                found = self._multiple(col)
            if found is None:
                found = self._split(col)
        if found is None:
            if h.what == "class":
                col = {i: Raw(v) for i, v in col.items()}
            elif h.what == "module":
                col = {i: Raw(self.concrete(e)) for i, e in col.items()}
            part = h.where.rsplit(".", 1)[-1]
            want = f"{part}_{h.hint}" if h.what == "class" or h.hint in self.arg_names else h.hint
            found = self._arg(want, col, h.what)
        self.texts[id(h)] = found
        return found

    def _keys(self) -> list[str]:
        keys = list(dict.fromkeys(k for info in self.infos for k in info))
        return [k for k in keys if all(k in info for info in self.infos)]

    def _full(self, a: Arg) -> bool:
        return len(a.column) == len(self.infos)

    def _multiple(self, col: dict[int, Any]) -> str | None:
        for a in self.args:
            if self._full(a) and a.what == "num" and all(isinstance(a.column[i], int) and a.column[i] for i in col):
                for m in (2, 3, 4, 6, 8):
                    if all(isinstance(v, int) and v == a.column[i] * m for i, v in col.items()):
                        return f"{a.name} * {m}"
        return None

    def _arg(self, want: str, column: dict[int, Any], what: str) -> str:
        name = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in want) or "arg"
        while name in self.arg_names or name in TAKEN or name[0].isdigit():
            name += "_"
        default = NONE
        if len(column) < len(self.infos) and what in ("module", "class"):
            default = None  # a part some instances lack: they pass nothing (no module made as a default)
        elif len(column) < len(self.infos):  # unused by some instances: they take the commonest value
            values = list(column.values())
            default = max(values, key=lambda v: sum(_eq(v, w) for w in values))
        self.args.append(Arg(name, column, what, default))
        return name

    def condition(self, want: dict[int, bool], fallback: str) -> str:
        """A comparison of the arguments (or the block's values) true exactly for the instances in ``want``;
        where none is, a flag argument named ``fallback``. The likelier rules first: on the block's values
        of two kinds (``t != 1``) or two widths (``in_c != out_c``), alone or two together; then the rest."""
        if all(want.values()) or not any(want.values()):
            return repr(bool(next(iter(want.values()))))
        ranked = self._atoms()
        for tier in ([a for rank, a in ranked if rank <= 2.5], [a for _, a in ranked][:80]):
            for a in tier:
                if a[1] == want:
                    return self._use(a)
            for a, b in itertools.combinations(tier, 2):
                if {i: a[1][i] or b[1][i] for i in want} == want:
                    return f"{self._use(a)} or {self._use(b)}"
                if {i: a[1][i] and b[1][i] for i in want} == want:
                    return f"{self._use(a)} and {self._use(b)}"
        return self._arg(fallback, dict(want), "value")

    def _split(self, col: dict[int, Any]) -> str | None:
        """A value that is one thing where a comparison holds and another elsewhere: ``1 if t != 1 else 3``."""
        for _, atom in self._atoms():
            yes = {i: v for i, v in col.items() if atom[1][i]}
            no = {i: v for i, v in col.items() if not atom[1][i]}
            if yes and no:
                a, b = self._simple(yes), self._simple(no)
                if a is not None and b is not None:
                    if (a[0], b[0]) in (("True", "False"), ("False", "True")):  # the comparison is the flag
                        return self._use(atom) if a[0] == "True" else f"not ({self._use(atom)})"
                    return f"{self._use((a[0], {}, a[1]))} if {self._use(atom)} else {self._use((b[0], {}, b[1]))}"
        return None

    def _simple(self, col: dict[int, Any]) -> tuple[str, str | None] | None:
        """A constant, an argument or a block value equal to ``col`` where it is defined (text, value to add)."""
        vs = list(col.values())
        # A number the same in several instances, or a small one (a kernel size, a padding), is written out;
        # one instance's larger number is likelier an argument's value (a width) than a constant.
        if all(_eq(v, vs[0]) for v in vs) and (len(vs) > 1 or not is_num(vs[0]) or abs(vs[0]) <= 3):
            return repr(vs[0]), None
        for a in self.args:
            if self._full(a) and all(_eq(a.column[i], v) for i, v in col.items()):
                return a.name, None
        key = next((k for k in self._keys() if all(_eq(self.infos[i].get(k), v) for i, v in col.items())), None)
        if key is not None:
            return key, key
        return (repr(vs[0]), None) if all(_eq(v, vs[0]) for v in vs) else None

    def _atoms(self) -> list[tuple[float, tuple[str, dict[int, bool], str | None]]]:
        """Comparisons, ranked (text, truth per instance, a block value it reads): on a block value of few kinds
        (t: 1 or 6) before one of many (c: 16, 24, …); two block values compared as two kinds; comparisons of
        derived arguments (a padding) last."""
        keys = self._keys()
        cols: list[tuple[str, dict[int, Any], str | None]] = [
            (k, {i: info[k] for i, info in enumerate(self.infos)}, k) for k in keys]
        cols += [(a.name, a.column, None) for a in self.args
                 if a.name not in keys and self._full(a) and a.what in ("num", "value")]
        ranked: list[tuple[float, int, tuple[str, dict[int, bool], str | None]]] = []
        for order, (name, col, new) in enumerate(cols):
            vs = list(col.values())
            kinds = len({repr(v) for v in vs}) + (0 if name in keys else 1000)
            if all(isinstance(v, bool) for v in vs):
                ranked += [(kinds, order, (name, dict(col), new)),
                           (kinds, order, (f"not {name}", {i: not v for i, v in col.items()}, new))]
            elif all(is_num(v) for v in vs):
                for v in sorted(set(vs)):
                    ranked += [(kinds, order, (f"{name} != {v!r}", {i: w != v for i, w in col.items()}, new)),
                               (kinds, order, (f"{name} == {v!r}", {i: w == v for i, w in col.items()}, new))]
                ranked += [(kinds + 1, order, (f"{name} > {v!r}", {i: w > v for i, w in col.items()}, new))
                           for v in sorted(set(vs))[:-1]]
        numeric = [c for c in cols if all(is_num(v) and not isinstance(v, bool) for v in c[1].values())]
        for j, ((a, ca, na), (b, cb, nb)) in enumerate(itertools.combinations(numeric, 2)):
            rank = 2.5 if na and nb else 1000
            ranked += [(rank, j, (f"{a} != {b}", {i: ca[i] != cb[i] for i in ca}, na or nb)),
                       (rank, j, (f"{a} == {b}", {i: ca[i] == cb[i] for i in ca}, na or nb))]
        return [(rank, a) for rank, _, a in sorted(ranked, key=lambda r: (r[0], r[1]))]

    def _use(self, atom: tuple[str, dict[int, bool], str | None]) -> str:
        """The text of a comparison or value; the block values it reads become arguments."""
        words = set(atom[0].replace("(", " ").replace(")", " ").split())
        for key in self._keys():
            if key in words and key not in self.arg_names:
                self._arg(key, {i: info[key] for i, info in enumerate(self.infos)}, "num")
        return atom[0]


def _tag(e: Any) -> str:
    if isinstance(e, Leaf):
        return "leaf"
    if isinstance(e, Param):
        return "param"
    if isinstance(e, Inst):
        return f"inst:{e.spec.name}"
    return "seq" if isinstance(e, Seq) else "other"
